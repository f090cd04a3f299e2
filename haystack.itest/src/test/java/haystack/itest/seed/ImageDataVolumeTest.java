package haystack.itest.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import haystack.testing.OpenSsh;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The image as the README runs it: the admin port is exposed and answers when published,
 * and HAYSTACK_DATA is a volume, so a new container on the same named volume keeps the SSH
 * host key (clients see no "host key changed"). Published on random loopback ports, with
 * no Docker source, so it runs beside anything.
 */
@RequiresDocker
class ImageDataVolumeTest {

    private static final String IMAGE = System.getenv().getOrDefault("HAYSTACK_IMAGE", ImageHaystack.IMAGE);
    private static final String LABEL = "haystack.test=image-data-volume";

    private final String volume = "haystack-data-test-" + Long.toString(System.nanoTime(), 36);
    private final List<String> containers = new ArrayList<>();

    @AfterEach
    void remove() throws Exception {
        for (String name : containers) {
            docker("rm", "--force", "--volumes", name);
        }
        docker("volume", "rm", "--force", volume);
    }

    @Test
    void aNewContainerOnTheNamedVolumeKeepsTheSshHostKeyAndTheAdminPortIsExposed() throws Exception {
        OpenSsh.Result built = OpenSsh.run(List.of("bash", ImageHaystack.BUILD.toString()), null, Duration.ofMinutes(10));
        assertEquals(0, built.status(), "image/build.sh: " + built.out() + built.err());
        String config = docker("image", "inspect", "--format={{json .Config.ExposedPorts}} {{json .Config.Volumes}}", IMAGE).ok();
        assertTrue(config.contains("\"1936/tcp\"") && config.contains("\"22/tcp\""), "exposed: " + config);
        assertTrue(config.contains("\"/var/lib/haystack/data\""), "HAYSTACK_DATA is a volume: " + config);

        String first = start("haystack-data-test-1");
        String key = hostKey(first);
        String admin = docker("port", first, "1936/tcp").ok().lines().findFirst().orElseThrow().strip();
        OpenSsh.Result ready = OpenSsh.run(List.of("curl", "-sS", "--max-time", "10", "http://" + admin + "/ready"), null);
        assertEquals("ready", ready.out().strip(), "the admin port, published: " + ready.err());
        docker("rm", "--force", first).ok();

        String second = start("haystack-data-test-2");
        assertEquals(key, hostKey(second), "the same SSH host key from a new container on volume " + volume);
    }

    /** docker run, as the README has it, with random loopback ports; returns the container name once Haystack has started. */
    private String start(String name) throws Exception {
        docker("rm", "--force", "--volumes", name);
        containers.add(name);
        docker("run", "--detach", "--name=" + name, "--label=" + LABEL, "--env=DOCKER_HOST=none",
                "--volume=" + volume + ":/var/lib/haystack/data",
                "--publish=127.0.0.1::22", "--publish=127.0.0.1::1936", IMAGE).ok();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String logs = "";
        while (System.nanoTime() < deadline) {
            OpenSsh.Result out = docker("logs", name);
            logs = out.out() + out.err();
            if (logs.contains("haystack started")) {
                return name;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " did not start within 60 s:\n" + logs);
    }

    /** The container's Ed25519 host key as ssh-keyscan reads it from the published SSH port. */
    private static String hostKey(String name) throws Exception {
        String[] address = docker("port", name, "22/tcp").ok().lines().findFirst().orElseThrow().strip().split(":");
        String scan = OpenSsh.run(List.of("ssh-keyscan", "-T", "10", "-t", "ed25519", "-p", address[1], address[0]), null).out();
        String key = scan.lines().filter(l -> l.contains("ssh-ed25519")).map(l -> l.substring(l.indexOf("ssh-ed25519")))
                .findFirst().orElseThrow(() -> new AssertionError("no host key from " + name + ": " + scan));
        return key.strip();
    }

    private static OpenSsh.Result docker(String... args) throws Exception {
        return OpenSsh.run(Stream.concat(Stream.of("docker"), Stream.of(args)).toList(), null);
    }
}
