package haystack.itest.seed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import haystack.testing.OpenSsh;

/**
 * Seed 000's {@code docker run … --publish=53:53/udp --publish=80:80 --publish=8080:8080
 * --publish=22022:22 --detach haystack}, with the engine's socket mounted, run by the
 * docker CLI. The image is built first by {@code image/build.sh}, which does nothing when
 * the image already holds the current jar.
 */
final class ImageHaystack implements RunningHaystack {

    static final Path BUILD = Path.of("../image/build.sh").toAbsolutePath().normalize();
    static final String IMAGE = "haystack:latest";
    static final int SSH_PORT = 22022;

    private final String name = "haystack-seed";
    /** HAYSTACK_DATA as the README keeps it: a named volume, so the SSH host key outlives the container. */
    private final String data = "haystack-seed-data";
    private final String address;

    ImageHaystack(String authorizedKey) throws Exception {
        if (!Files.isRegularFile(BUILD)) {
            throw new IllegalStateException(BUILD + " is missing");
        }
        // jlink with a CDS archive takes minutes on a busy two-core machine
        OpenSsh.Result built = OpenSsh.run(List.of("bash", BUILD.toString()), null, java.time.Duration.ofMinutes(10));
        if (built.status() != 0) {
            throw new IllegalStateException("image/build.sh failed:\n" + built.out() + built.err());
        }
        docker("rm", "--force", "--volumes", name);
        docker("volume", "rm", "--force", data);
        OpenSsh.Result run = docker("run", "--env=DOCKER_HOST=unix:///var/run/docker.sock",
                "--volume=/var/run/docker.sock:/var/run/docker.sock",
                "--volume=" + data + ":/var/lib/haystack/data",
                "--env=HAYSTACK_SSH_AUTHORIZED_KEYS=" + authorizedKey,
                "--name=" + name,
                "--publish=53:53/udp", "--publish=80:80", "--publish=8080:8080", "--publish=" + SSH_PORT + ":22",
                "--publish=1936:1936", "--detach", IMAGE);
        if (run.status() != 0) {
            throw new IllegalStateException("docker run " + IMAGE + " failed: " + run.err());
        }
        address = docker("inspect", "--format={{.NetworkSettings.IPAddress}}", name).out().strip();
    }

    private static OpenSsh.Result docker(String... args) throws Exception {
        return OpenSsh.run(Stream.concat(Stream.of("docker"), Arrays.stream(args)).toList(), null);
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public int sshPort() {
        return SSH_PORT;
    }

    @Override
    public String awaitLine(Predicate<String> match, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            String found = output().lines().filter(match).findFirst().orElse(null);
            if (found != null) {
                return found;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no such line within " + timeout + "; output:\n" + output());
    }

    @Override
    public String output() throws Exception {
        OpenSsh.Result logs = docker("logs", name);
        return logs.out() + logs.err();
    }

    @Override
    public int stop() throws Exception {
        docker("stop", "--time=30", name);
        return Integer.parseInt(docker("inspect", "--format={{.State.ExitCode}}", name).out().strip());
    }

    @Override
    public void close() throws Exception {
        docker("rm", "--force", "--volumes", name);
        docker("volume", "rm", "--force", data);
    }

    @Override
    public String toString() {
        return "docker run haystack";
    }
}
