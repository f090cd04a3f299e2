package haystack.itest.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import haystack.testing.OpenSsh;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Images with no registry" block, run as written in an empty directory: the
 * stand-ins it builds serve a mounted page, or their host name, on port 80 (nginx, httpd)
 * and 8080 (jenkins). It tags {@code busybox}, {@code nginx}, {@code httpd} and
 * {@code jenkins} as a user's engine would get them, so it runs only where none of those
 * exists (a fresh CI engine) and removes them after.
 */
@RequiresDocker
class ReadmeStandInImagesTest {

    private static final Path README = Path.of("../README.md").toAbsolutePath().normalize();
    private static final List<String> TAGS = List.of("busybox:latest", "nginx:latest", "httpd:latest", "jenkins:latest");
    private static final String LABEL = "haystack.test=readme-standin";

    @TempDir
    Path dir;

    private boolean built;

    @AfterEach
    void remove() throws Exception {
        String ids = docker("ps", "--all", "--quiet", "--filter", "label=" + LABEL).out().strip();
        if (!ids.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("rm", "--force", "--volumes"));
            rm.addAll(ids.lines().toList());
            docker(rm.toArray(String[]::new));
        }
        if (built) {
            for (String tag : TAGS) {
                docker("rmi", tag);
            }
        }
    }

    @Test
    void theStandInsServeAsTheWalkthroughNeeds() throws Exception {
        for (String tag : TAGS) {
            assumeTrue(docker("image", "inspect", tag).status() != 0, tag + " exists here: the README block would replace it");
        }
        String block = block();
        built = true;
        OpenSsh.Result ran = OpenSsh.run(List.of("bash", "-euo", "pipefail", "-c", "cd '" + dir + "'\n" + block), null,
                Duration.ofMinutes(2));
        assertEquals(0, ran.status(), block + "\n" + ran.out() + ran.err());

        Files.createDirectories(dir.resolve("a"));
        Files.writeString(dir.resolve("a/index.html"), "a\n");
        String mounted = start("nginx", "--volume=" + dir.resolve("a") + ":/usr/share/nginx/html:ro");
        assertEquals("a", get(mounted, 80), "the mounted page");
        String own = start("nginx");
        assertEquals(docker("inspect", "--format={{.Config.Hostname}}", own).ok().strip(), get(own, 80), "its host name");
        String jenkins = start("jenkins");
        assertEquals(docker("inspect", "--format={{.Config.Hostname}}", jenkins).ok().strip(), get(jenkins, 8080), "on 8080");
        for (String image : List.of("nginx", "httpd", "jenkins")) {
            String exposed = docker("image", "inspect", "--format={{json .Config.ExposedPorts}}", image).ok();
            assertTrue(exposed.contains(image.equals("jenkins") ? "8080/tcp" : "\"80/tcp\""), image + " exposes " + exposed);
        }
    }

    /** The indented block that starts with {@code mkdir standin}, without its indent. */
    private static String block() throws Exception {
        List<String> lines = Files.readAllLines(README);
        int start = 0;
        while (start < lines.size() && !lines.get(start).startsWith("    mkdir standin")) {
            start++;
        }
        assertTrue(start < lines.size(), "README has the stand-in block");
        StringBuilder block = new StringBuilder();
        for (int i = start; i < lines.size() && lines.get(i).startsWith("    "); i++) {
            block.append(lines.get(i).substring(4)).append('\n');
        }
        return block.toString();
    }

    private String start(String image, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("run", "--detach", "--label=" + LABEL));
        cmd.addAll(List.of(options));
        cmd.add(image);
        return docker(cmd.toArray(String[]::new)).ok().strip();
    }

    /** One GET to the container's bridge address, retried while its httpd starts (up to 20 s). */
    private static String get(String container, int port) throws Exception {
        String address = docker("inspect", "--format={{.NetworkSettings.IPAddress}}", container).ok().strip();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        OpenSsh.Result last = null;
        while (System.nanoTime() < deadline) {
            last = OpenSsh.run(List.of("curl", "-sS", "--max-time", "5", "http://" + address + ":" + port + "/"), null);
            if (last.status() == 0) {
                return last.out().strip();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no answer from " + container + " at " + address + ":" + port + ": " + last);
    }

    private static OpenSsh.Result docker(String... args) throws Exception {
        return OpenSsh.run(Stream.concat(Stream.of("docker"), Stream.of(args)).toList(), null);
    }
}
