package haystack.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports.Binding;
import haystack.testing.BusyboxImage;
import haystack.testing.EtcdServer;
import haystack.testing.OpenSsh;
import haystack.testing.RequiresDocker;
import haystack.testing.RequiresEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * Seed 002 end to end with the exported jar: "host A" runs the Docker source in published
 * mode, "host B" has no Docker source at all ({@code DOCKER_HOST=none}); both share one
 * real etcd. A container started on A is answered by B's DNS and served by B's load
 * balancer, and two are balanced; stopped, it is gone from B; A killed with SIGKILL, its
 * endpoints leave B when its lease expires; A started again, they are back.
 */
@RequiresDocker
@RequiresEtcd
class EtcdHostsTest {

    private static final String LABEL = "haystack.itest";
    private static final String LABEL_VALUE = "etcd-hosts";
    private static final int TTL = 3;

    @TempDir
    Path dir;

    @Test
    void aContainerOnHostAIsAnsweredAndServedByHostBAndGoesWhenItOrHostAGoesAndComesBackWithA() throws Exception {
        DockerClient docker = DockerClientFactory.instance().client();
        String image = BusyboxImage.name();
        String service = "xhost" + (System.nanoTime() % 100000);
        int dnsB = Ports.free();
        int httpB = Ports.free();
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"));
             HaystackProcess a = new HaystackProcess(javaHome(), dirOf("a"), env("a", etcd, Map.of(
                     "HAYSTACK_ADDRESS", "127.0.0.1", "HAYSTACK_DOCKER_PUBLISHED", "true")));
             HaystackProcess b = new HaystackProcess(javaHome(), dirOf("b"), env("b", etcd, Map.of(
                     "DOCKER_HOST", "none", "HAYSTACK_ADDRESS", "127.0.0.1",
                     "HAYSTACK_DNS_PORT", String.valueOf(dnsB), "HAYSTACK_HTTP_PORT", String.valueOf(httpB))))) {
            // "back" when the shared engine blinked before the first sync (another test's swarm mode)
            a.awaitLine(l -> l.contains("docker engine connected") || l.contains("docker engine back"), Duration.ofSeconds(60));
            a.awaitLine(l -> l.contains("etcd connected") && l.contains("node=host-a"), Duration.ofSeconds(60));
            b.awaitLine(l -> l.contains("docker discovery off"), Duration.ofSeconds(60));
            b.awaitLine(l -> l.contains("etcd connected") && l.contains("node=host-b"), Duration.ofSeconds(60));

            String first = start(docker, image, service, service + "-one", "from-host-a-1");
            int port = publishedPort(docker, first);
            String srv = "_http._tcp." + service + ".services.haystack";
            long t0 = System.nanoTime();
            await("B answers the SRV of A's container", Duration.ofSeconds(15), () -> dig(dnsB, srv, "SRV").contains(" " + port + " "));
            long answeredMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("127.0.0.1", dig(dnsB, service + ".services.haystack", "A").trim(), "B sends clients to its own load balancer");
            assertEquals("from-host-a-1", get(httpB, service + ".services.haystack").trim(), "B's load balancer serves A's container");

            String second = start(docker, image, service, service + "-two", "from-host-a-2");
            await("B balances both containers", Duration.ofSeconds(15), () -> {
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (int i = 0; i < 6; i++) {
                    seen.add(get(httpB, service + ".services.haystack").trim());
                }
                return seen.equals(java.util.Set.of("from-host-a-1", "from-host-a-2"));
            });

            docker.stopContainerCmd(first).withTimeout(1).exec();
            long stopped = System.nanoTime();
            await("A's stopped container gone from B", Duration.ofSeconds(5), () -> !dig(dnsB, srv, "SRV").contains(" " + port + " "));
            long goneMs = (System.nanoTime() - stopped) / 1_000_000;
            for (int i = 0; i < 4; i++) {
                assertEquals("from-host-a-2", get(httpB, service + ".services.haystack").trim());
            }

            a.close(); // SIGKILL: no revoke, the keys stay until the lease expires
            long killed = System.nanoTime();
            await("A's endpoints gone from B within the TTL", Duration.ofSeconds(TTL + 5),
                    () -> dig(dnsB, srv, "SRV").isBlank());
            long expiredMs = (System.nanoTime() - killed) / 1_000_000;
            String refused = get(httpB, service + ".services.haystack");
            assertTrue(refused.contains("404") || refused.contains("503") || refused.toLowerCase().contains("no "), refused);

            // host A back: its running container is back on B
            int secondPort = publishedPort(docker, second);
            try (HaystackProcess again = new HaystackProcess(javaHome(), dirOf("a"), env("a", etcd, Map.of(
                    "HAYSTACK_ADDRESS", "127.0.0.1", "HAYSTACK_DOCKER_PUBLISHED", "true")))) {
                again.awaitLine(l -> l.contains("etcd connected") && l.contains("node=host-a"), Duration.ofSeconds(60));
                await("A's container back on B after A's restart", Duration.ofSeconds(30),
                        () -> dig(dnsB, srv, "SRV").contains(" " + secondPort + " "));
                assertEquals("from-host-a-2", get(httpB, service + ".services.haystack").trim());
            }
            System.out.println("figures: answeredOnBMs=" + answeredMs + " goneOnBAfterStopMs=" + goneMs + " goneOnBAfterKillMs=" + expiredMs
                    + " ttl=" + TTL);
            assertTrue(b.isAlive(), b.output());
            assertTrue(b.lines().stream().noneMatch(l -> l.contains("Exception")), b.output());
        } finally {
            for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL, LABEL_VALUE)).exec()) {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            }
        }
    }

    private Path dirOf(String host) throws Exception {
        return java.nio.file.Files.createDirectories(dir.resolve(host));
    }

    private Map<String, String> env(String host, EtcdServer etcd, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Ports.allFree(dir.resolve(host)));
        env.put("HAYSTACK_ETCD", etcd.url());
        env.put("HAYSTACK_NODE", "host-" + host);
        env.put("HAYSTACK_ETCD_TTL", String.valueOf(TTL));
        env.putAll(extra);
        return env;
    }

    private static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    /** A busybox httpd serving {@code body}, its port 80 published on 127.0.0.1 only, labelled for cleanup. */
    private static String start(DockerClient docker, String image, String service, String name, String body) {
        String id = docker.createContainerCmd(image).withName(name)
                .withLabels(Map.of(LABEL, LABEL_VALUE, "haystack.service", service))
                .withExposedPorts(ExposedPort.tcp(80))
                .withHostConfig(HostConfig.newHostConfig().withPortBindings(new PortBinding(Binding.bindIp("127.0.0.1"), ExposedPort.tcp(80))))
                .withCmd("sh", "-c", "echo " + body + " > /www/index.html && exec httpd -f -p 80 -h /www").exec().getId();
        docker.startContainerCmd(id).exec();
        return id;
    }

    private static int publishedPort(DockerClient docker, String id) {
        Binding[] bindings = docker.inspectContainerCmd(id).exec().getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(80));
        return Integer.parseInt(bindings[0].getHostPortSpec());
    }

    private static String dig(int port, String name, String type) throws Exception {
        String out = OpenSsh.run(List.of("dig", "+short", "+time=1", "+tries=2", "@127.0.0.1", "-p", String.valueOf(port), name, type), null).out();
        return out.lines().filter(l -> !l.startsWith(";;")).reduce("", (x, y) -> x + y + "\n");
    }

    private static String get(int port, String host) throws Exception {
        return OpenSsh.run(List.of("curl", "-s", "--max-time", "5", "-H", "Host: " + host, "http://127.0.0.1:" + port + "/"), null).out();
    }

    private static void await(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
