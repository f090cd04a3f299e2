package haystack.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import haystack.testing.BusyboxImage;
import haystack.testing.OpenSsh;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * The operator's trace, end to end: the exported jar against the real engine, an ssh
 * session turning trace on, a container started meanwhile, trace off, and nothing left
 * tracing once sessions end.
 */
@RequiresDocker
class TraceOverSshTest {

    @TempDir
    Path dir;

    @Test
    void aContainerStartedWhileTracingShowsUpInTheSessionAndNothingLeaksAfter() throws Exception {
        Path key = dir.resolve("operator");
        OpenSsh.keygen(key, "ed25519"); // what ssh-keygen makes by default
        String who = " user=operator key=" + OpenSsh.fingerprint(key);
        int sshPort = Ports.free();
        Map<String, String> env = new HashMap<>(Ports.allFree(dir));
        env.put("HAYSTACK_SSH_PORT", String.valueOf(sshPort));
        env.put("HAYSTACK_SSH_AUTHORIZED_KEYS", Files.readString(Path.of(key + ".pub")).trim());
        DockerClient docker = DockerClientFactory.instance().client();
        String image = BusyboxImage.name();
        String traced = "trace-" + System.nanoTime();
        String untraced = "untraced-" + System.nanoTime();
        try (HaystackProcess haystack = new HaystackProcess(Path.of(System.getProperty("java.home")), dir, env)) {
            haystack.awaitLine(l -> l.contains("ssh listening port=" + sshPort), Duration.ofSeconds(60));
            // A container started before the engine is followed arrives by the first listing, not as an event.
            haystack.awaitLine(l -> l.contains("docker engine connected"), Duration.ofSeconds(60));
            OpenSsh ssh = new OpenSsh(sshPort, dir.resolve("known_hosts"));
            try (OpenSsh.Terminal session = ssh.open(key)) {
                session.type("haystack:trace true");
                session.await(Pattern.compile("^trace on"), Duration.ofSeconds(30));

                startContainer(docker, image, traced);
                session.await(Pattern.compile("docker event .*action=start container=" + traced), Duration.ofSeconds(30));
                session.await(Pattern.compile("registry added .*service=\\S*busybox container=" + traced), Duration.ofSeconds(30));

                session.type("haystack:trace false");
                session.await(Pattern.compile("^trace off$"), Duration.ofSeconds(30));
                haystack.awaitLine(l -> l.contains("operator action=trace on=false via=command" + who), Duration.ofSeconds(10));

                // the operator's changes, each one line in Haystack's log with the key that made it
                OpenSsh.Result drained = ssh.exec(key, "haystack:drain " + traced);
                drained.ok();
                assertFalse((drained.out() + drained.err()).contains("[INFO]"), "log lines stay out of the session: " + drained);
                haystack.awaitLine(l -> l.contains("endpoint drained by operator") && l.contains(traced), Duration.ofSeconds(10));
                String drainLine = haystack.awaitLine(l -> l.contains("operator action=drain endpoint=") && l.contains(" container=" + traced + who),
                        Duration.ofSeconds(10));
                Matcher serviceOf = Pattern.compile(" service=(\\S+)").matcher(drainLine);
                assertTrue(serviceOf.find(), drainLine);
                String service = serviceOf.group(1);
                ssh.exec(key, "haystack:undrain " + traced).ok();
                haystack.awaitLine(l -> l.contains("operator action=undrain endpoint=") && l.contains(who), Duration.ofSeconds(10));
                ssh.exec(key, "haystack:strategy " + service + " round-robin").ok();
                haystack.awaitLine(l -> l.contains("operator action=strategy service=" + service + " strategy=round-robin" + who),
                        Duration.ofSeconds(10));
                assertEquals(1, ssh.exec(key, "haystack:drain no-such-container").status());
                startContainer(docker, image, untraced);
                haystack.awaitLine(l -> l.contains("container updated") && l.contains(untraced), Duration.ofSeconds(30));
                session.type("echo still-here");
                session.await(Pattern.compile("^still-here$"), Duration.ofSeconds(30));
                assertFalse(session.output().contains(untraced), "no trace after 'trace false':\n" + session.output());

                // a session that ends while tracing takes its trace with it
                try (OpenSsh.Terminal lost = ssh.open(key)) {
                    lost.type("haystack:trace true");
                    lost.await(Pattern.compile("^trace on"), Duration.ofSeconds(30));
                    assertTrue(ssh.exec(key, "haystack:trace").out().contains("1 session tracing"));
                    lost.kill();
                }
                awaitNoTracing(ssh, key);

                session.type("exit");
                assertEquals(0, session.awaitExit(Duration.ofSeconds(30)));
            }
        } finally {
            for (String name : new String[] { traced, untraced }) {
                try {
                    docker.removeContainerCmd(name).withForce(true).exec();
                } catch (RuntimeException gone) {
                    // never started
                }
            }
        }
    }

    private static void startContainer(DockerClient docker, String image, String name) {
        String id = docker.createContainerCmd(image).withName(name).withExposedPorts(ExposedPort.tcp(80))
                .withCmd("httpd", "-f", "-p", "80", "-h", "/www").exec().getId();
        docker.startContainerCmd(id).exec();
    }

    private static void awaitNoTracing(OpenSsh ssh, Path key) throws Exception {
        String last = "";
        for (int i = 0; i < 100; i++) {
            last = ssh.exec(key, "haystack:trace").out();
            if (last.contains("0 sessions tracing")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("a trace outlived its session: " + last);
    }
}
