package haystack.itest.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import haystack.itest.HaystackEnv;
import haystack.itest.HaystackProcess;
import haystack.itest.Ports;
import haystack.testing.BusyboxImage;
import haystack.testing.OpenSsh;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * SPEC §5a end to end: the exported jar, the Docker source and busybox httpd containers
 * labelled {@code haystack.tcp}, reached through the TCP listener (on loopback) with raw
 * sockets. The endpoints are the containers' bridge addresses, the product's default
 * mode: a handful of functional connections, no load. (A published port would put
 * docker-proxy in between, which accepts for a container that is already dead.)
 */
@RequiresDocker
class TcpListenerContainersTest {

    private static final String TEST_LABEL = "haystack.test";

    @TempDir
    Path dir;

    private final DockerClient docker = DockerClientFactory.instance().client();
    private final List<String> containers = new ArrayList<>();
    private final String service = "tcp" + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "");

    @AfterEach
    void removeContainers() {
        containers.forEach(id -> docker.removeContainerCmd(id).withForce(true).exec());
    }

    @Test
    void connectionsAlternateAndAStoppedOrKilledContainerFailsNone() throws Exception {
        int listen = Ports.freeBelowEphemeral(); // bound by Haystack seconds later, on a loaded machine
        int sshPort = Ports.free();
        Path key = dir.resolve("operator");
        OpenSsh.keygen(key);
        Map<String, String> env = HaystackEnv.under(dir).advertise("127.0.0.1").ssh(sshPort, key)
                .set("HAYSTACK_TCP_BIND", "127.0.0.1").set("HAYSTACK_LB_CONNECT_TIMEOUT", "2000").map();
        String a = backend("a", listen);
        String b = backend("b", listen);
        try (HaystackProcess haystack = new HaystackProcess(Path.of(System.getProperty("java.home")), dir, env)) {
            haystack.awaitLine(l -> l.contains("tcp listener opened port=" + listen), Duration.ofSeconds(60));
            awaitBoth(listen, Set.of("a", "b"));
            haystack.awaitLine(l -> l.contains("ssh listening port=" + sshPort), Duration.ofSeconds(60));
            String services = new OpenSsh(sshPort, dir.resolve("known_hosts")).exec(key, "haystack:services").ok();
            assertTrue(services.lines().anyMatch(l -> l.startsWith(service + " ") && l.contains(" :" + listen + " ")),
                    "haystack:services shows the listener:\n" + services);

            List<String> order = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                order.add(fetch(listen, false));
            }
            for (int i = 1; i < order.size(); i++) {
                assertTrue(!order.get(i).equals(order.get(i - 1)), "connections alternate: " + order);
            }
            for (int i = 0; i < 2; i++) {
                String half = fetch(listen, true);
                assertTrue(Set.of("a", "b").contains(half), "a client that shuts its output down still gets the whole answer: '" + half + "'");
            }

            // docker stop (SIGTERM, which httpd as PID 1 ignores, then SIGKILL after 2 s) while
            // 150 sequential connections go on: the endpoint drains, then goes; none fails
            List<String> failures = run150(listen, true, () -> docker.stopContainerCmd(b).withTimeout(2).exec());
            assertEquals(List.of(), failures, "connections failed around docker stop");

            // a fresh second endpoint, then SIGKILL in the middle: none that had not started relaying fails
            String c = backend("c", listen);
            awaitBoth(listen, Set.of("a", "c"));
            failures = run150(listen, false, () -> docker.killContainerCmd(c).withSignal("SIGKILL").exec());
            assertEquals(List.of(), failures, "connections failed around docker kill");
            assertEquals("a", fetch(listen, false));
        }
    }

    /**
     * 150 sequential connections; {@code disruption} runs before the 50th, in the background
     * or between two connections (a SIGKILL may fail a connection that is relaying).
     */
    private static List<String> run150(int listen, boolean background, Runnable disruption) throws Exception {
        List<String> failures = new ArrayList<>();
        CompletableFuture<Void> running = CompletableFuture.completedFuture(null);
        for (int i = 0; i < 150; i++) {
            if (i == 50) {
                if (background) {
                    running = CompletableFuture.runAsync(disruption);
                } else {
                    disruption.run();
                }
            }
            try {
                String body = fetch(listen, false);
                if (body.isEmpty()) {
                    failures.add(i + ": empty answer");
                }
            } catch (IOException e) {
                failures.add(i + ": " + e);
            }
            Thread.sleep(20);
        }
        running.get();
        return failures;
    }

    private String backend(String name, int listen) {
        String id = docker.createContainerCmd(BusyboxImage.name())
                .withName(service + "-" + name)
                .withLabels(Map.of("haystack.service", service, "haystack.tcp", Integer.toString(listen), TEST_LABEL, "tcp"))
                .withExposedPorts(ExposedPort.tcp(80))
                .withCmd("sh", "-c", "echo " + name + " > /www/index.html && exec httpd -f -p 80 -h /www")
                .exec().getId();
        containers.add(id);
        docker.startContainerCmd(id).exec();
        return id;
    }

    private static void awaitBoth(int listen, Set<String> names) throws Exception {
        Set<String> seen = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && !seen.containsAll(names)) {
            try {
                seen.add(fetch(listen, false));
            } catch (IOException notYet) {
                // the endpoint is not registered yet
            }
            Thread.sleep(100);
        }
        assertTrue(seen.containsAll(names), "both endpoints answered through the listener: " + seen);
    }

    /** GET / over a raw connection to the listener (its output shut down after the request when {@code halfClose}): the body, trimmed. */
    private static String fetch(int listen, boolean halfClose) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listen), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (halfClose) {
                s.shutdownOutput();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            s.getInputStream().transferTo(out);
            String reply = out.toString(StandardCharsets.ISO_8859_1);
            int body = reply.indexOf("\r\n\r\n");
            if (!reply.startsWith("HTTP/1.") || body < 0) {
                throw new IOException("not an HTTP answer: '" + reply + "'");
            }
            return reply.substring(body + 4).trim();
        }
    }
}
