package haystack.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
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
        Map<String, String> env = HaystackEnv.under(dir).ssh(sshPort, key).map();
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

                // what Haystack answers itself is traced with the host asked: no route (404)
                int httpPort = httpPort(haystack);
                assertTrue(request(httpPort, "nosuch.example").startsWith("HTTP/1.1 404"));
                String notFound = session.await(Pattern.compile("route .*host=nosuch\\.example .*status=404"), Duration.ofSeconds(30));
                assertTrue(notFound.contains("reason=no service is routed for this host or path"), notFound);

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
                // none of the service's endpoints takes traffic now: 503, traced with the host asked
                try (OpenSsh.Terminal tracing = ssh.open(key)) {
                    tracing.type("haystack:trace true");
                    tracing.await(Pattern.compile("^trace on"), Duration.ofSeconds(30));
                    String host = service + ".services.haystack";
                    String answer = "";
                    for (int i = 0; i < 50 && !answer.startsWith("HTTP/1.1 503"); i++) {
                        answer = request(httpPort, host); // the balancer applies the drain as the registry publishes it
                        Thread.sleep(i == 0 ? 0 : 100);
                    }
                    assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
                    String unavailable = tracing.await(Pattern.compile("route .*host=" + Pattern.quote(host) + " .*status=503"), Duration.ofSeconds(30));
                    assertTrue(unavailable.contains("service=" + service) && unavailable.contains("reason=no healthy endpoint"), unavailable);
                    tracing.type("haystack:trace false");
                    tracing.await(Pattern.compile("^trace off$"), Duration.ofSeconds(30));
                    tracing.type("exit");
                    assertEquals(0, tracing.awaitExit(Duration.ofSeconds(30)));
                }
                ssh.exec(key, "haystack:undrain " + traced).ok();
                haystack.awaitLine(l -> l.contains("operator action=undrain endpoint=") && l.contains(who), Duration.ofSeconds(10));
                ssh.exec(key, "haystack:strategy " + service + " round-robin").ok();
                haystack.awaitLine(l -> l.contains("operator action=strategy service=" + service + " strategy=round-robin" + who),
                        Duration.ofSeconds(10));
                assertEquals(1, ssh.exec(key, "haystack:drain no-such-container").status());
                // asked about what does not exist: exit status 1 and the reason
                OpenSsh.Result noService = ssh.exec(key, "haystack:endpoints nosuch");
                assertEquals(1, noService.status(), noService.toString());
                assertTrue(noService.err().contains("no service named 'nosuch'"), noService.toString());
                assertEquals(1, ssh.exec(key, "haystack:strategy nosuch").status());
                assertEquals(1, ssh.exec(key, "haystack:strategy nosuch round-robin").status());
                assertEquals(0, ssh.exec(key, "haystack:endpoints").status());

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

    private static int httpPort(HaystackProcess haystack) throws InterruptedException {
        String line = haystack.awaitLine(l -> l.contains("listener=http port="), Duration.ofSeconds(30));
        Matcher m = Pattern.compile("listener=http port=(\\d+)").matcher(line);
        assertTrue(m.find(), line);
        return Integer.parseInt(m.group(1));
    }

    /** One GET / through the balancer with this Host; the whole answer. */
    private static String request(int port, String host) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
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
