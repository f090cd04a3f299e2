package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.discovery.EndpointSource;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Docker discovery against the real engine, into a real registry. */
@RequiresDocker
class HostWatcherTest {

    private static final PortNames IANA = PortNames.iana();

    private EngineFixture engine;
    private RegistryImpl registry;
    private DiscoveryPublisherImpl publisher;
    private RegistryProbe probe;
    private HostWatcher watcher;

    @BeforeEach
    void setUp() {
        engine = new EngineFixture();
        registry = new RegistryImpl();
        publisher = new DiscoveryPublisherImpl(registry);
        probe = new RegistryProbe(registry, engine.prefix);
    }

    @AfterEach
    void tearDown() {
        if (watcher != null) {
            watcher.close();
        }
        probe.close();
        engine.close();
    }

    private void watch(boolean published, List<InetAddress> advertised) {
        String id = "docker:" + EngineFixture.SOCKET;
        EndpointSource source = publisher.open(id);
        ContainerEndpoints rules = new ContainerEndpoints(id, EngineFixture.SOCKET.toString(), IANA, published, advertised);
        watcher = new HostWatcher(EngineFixture.SOCKET.toString(), () -> DockerClients.create(EngineFixture.SOCKET, null), source, rules).start();
    }

    @Test
    void lifecycleStartPauseUnpauseStopRenameKill() throws Exception {
        watch(false, List.of());
        String name = engine.name("web-1");
        String id = engine.start(engine.container("web-1"));

        List<Endpoint> up = probe.await("started container registered", l -> l.size() == 1);
        Endpoint e = up.get(0);
        assertEquals("busybox", e.service());
        assertEquals(engine.prefix + "-web", e.group());
        assertEquals(name, e.containerName());
        assertEquals(id, e.containerId());
        assertEquals(80, e.port());
        assertEquals("http", e.portName());
        assertEquals("bridge", e.network());
        assertEquals(Health.UNKNOWN, e.health());
        assertFalse(e.draining());
        assertEquals("docker:" + EngineFixture.SOCKET, e.source());
        String ip = engine.client.inspectContainerCmd(id).exec().getNetworkSettings().getNetworks().get("bridge").getIpAddress();
        assertEquals(ip, e.address().getHostAddress());

        engine.client.pauseContainerCmd(id).exec();
        probe.await("paused container withdrawn", List::isEmpty);
        engine.client.unpauseContainerCmd(id).exec();
        probe.await("unpaused container back", l -> l.size() == 1 && !l.get(0).draining());

        // sleep ignores SIGTERM as PID 1: stop waits 1 s, draining all the while, then kills.
        engine.client.stopContainerCmd(id).withTimeout(1).exec();
        probe.await("stopped container withdrawn", List::isEmpty);
        assertTrue(probe.everSeen(x -> x.containerId().equals(id) && x.draining()), "draining between kill and die");

        engine.client.startContainerCmd(id).exec();
        probe.await("restarted container back, not draining", l -> l.size() == 1 && !l.get(0).draining());

        engine.client.renameContainerCmd(id).withName(engine.name("api-7")).exec();
        probe.await("renamed: new name and group", l -> l.size() == 1 && l.get(0).containerName().equals(engine.name("api-7"))
                && l.get(0).group().equals(engine.prefix + "-api"));

        engine.client.killContainerCmd(id).exec();
        probe.await("killed container withdrawn", List::isEmpty);
    }

    @Test
    void containersAlreadyRunningAndDyingDuringStartupEndExact() throws Exception {
        engine.start(engine.container("before-1"));
        engine.start(engine.container("before-2"));
        String doomed = engine.start(engine.container("doomed-1"));
        Thread starter = new Thread(() -> {
            for (int i = 1; i <= 4; i++) {
                engine.start(engine.container("during-" + i));
            }
            engine.client.killContainerCmd(doomed).exec();
            engine.start(engine.container("brief-1").withCmd("sleep", "0.3"));
        });
        starter.start();
        watch(false, List.of());
        starter.join(30_000);
        Set<String> expected = Set.of("before-1", "before-2", "during-1", "during-2", "during-3", "during-4").stream()
                .map(engine::name).collect(Collectors.toSet());
        List<Endpoint> end = probe.await("exactly the running containers",
                l -> l.stream().map(Endpoint::containerName).collect(Collectors.toSet()).equals(expected));
        assertEquals(6, end.size());
    }

    @Test
    void labelsAndEnvironmentConventions() throws Exception {
        watch(false, List.of());
        engine.start(engine.container("labelled").withLabels(engine.labels(
                "haystack.service", "hello/v1", "haystack.port.80", "web", "haystack.weight", "heavy",
                "haystack.alias", "hello.example.com", "haystack.path", "/api", "haystack.strategy", "least-conn")));
        engine.start(engine.container("registrator").withEnv("SERVICE_NAME=shop", "SERVICE_TAGS=rest,server_alias=shop.example.com",
                "SERVICE_80_NAME=www"));
        engine.start(engine.container("highhock").withEnv("DISCOVER=api:8080,admin:9000"));
        engine.start(engine.container("ignored").withEnv("SERVICE_IGNORE=1"));
        engine.start(engine.container("disabled").withLabels(engine.labels("haystack.enable", "false")));
        engine.start(engine.container("badname").withLabels(engine.labels("haystack.service", "x".repeat(70))));

        probe.await("all registered", l -> l.stream().map(Endpoint::containerName).distinct().count() == 4);

        Endpoint labelled = probe.of(engine.name("labelled")).get(0);
        assertEquals("hello/v1", labelled.service());
        assertEquals("v1.hello", labelled.qualifiedName());
        assertEquals("web", labelled.portName());
        assertEquals(Endpoint.DEFAULT_WEIGHT, labelled.weight());
        assertEquals(Set.of("hello.example.com"), labelled.aliases());
        assertEquals("/api", labelled.path());
        assertEquals("least-conn", labelled.strategy());

        Endpoint reg = probe.of(engine.name("registrator")).get(0);
        assertEquals("www", reg.service(), "Registrator: SERVICE_80_NAME is the service name of port 80");
        assertEquals("/www", reg.path());
        assertEquals(Set.of("shop.example.com"), reg.aliases());
        assertEquals("http", reg.portName());

        List<Endpoint> hh = probe.of(engine.name("highhock"));
        assertEquals(Set.of("api:8080:http-alt", "admin:9000:cslistener"),
                hh.stream().map(x -> x.service() + ":" + x.port() + ":" + x.portName()).collect(Collectors.toSet()));

        assertTrue(probe.of(engine.name("ignored")).isEmpty());
        assertTrue(probe.of(engine.name("disabled")).isEmpty());
        assertEquals("busybox", probe.of(engine.name("badname")).get(0).service(), "bad service label falls back to the image");
    }

    @Test
    void dockerHealthcheckGatesTraffic() throws Exception {
        watch(false, List.of());
        var check = new com.github.dockerjava.api.model.HealthCheck()
                .withTest(List.of("CMD", "test", "-f", "/tmp/ok")).withInterval(300_000_000L).withRetries(1);
        String id = engine.start(engine.container("checked")
                .withCmd("sh", "-c", "sleep 2; touch /tmp/ok; sleep 3; rm /tmp/ok; exec sleep 600").withHealthcheck(check));
        probe.awaitSeen("starting", e -> e.containerId().equals(id) && e.health() == Health.STARTING && !e.isAvailable());
        probe.awaitSeen("healthy", e -> e.containerId().equals(id) && e.health() == Health.HEALTHY && e.isAvailable());
        probe.await("unhealthy", l -> l.size() == 1 && l.get(0).health() == Health.UNHEALTHY && !l.get(0).isAvailable());
    }

    @Test
    void oneEndpointPerNetworkAttachmentAndNetworkChoice() throws Exception {
        watch(false, List.of());
        String a = engine.network("net-a", false);
        String b = engine.network("net-b", true);
        String id = engine.create(engine.container("multi").withHostConfig(HostConfig.newHostConfig().withNetworkMode(a)));
        engine.client.connectToNetworkCmd().withContainerId(id).withNetworkId(b).exec();
        engine.client.startContainerCmd(id).exec();
        String chosen = engine.create(engine.container("chosen").withLabels(engine.labels("haystack.network", b))
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode(a)));
        engine.client.connectToNetworkCmd().withContainerId(chosen).withNetworkId(b).exec();
        engine.client.startContainerCmd(chosen).exec();

        List<Endpoint> multi = probe.await("v4 on a, v4 and v6 on b", l -> probe.of(engine.name("multi")).size() == 3);
        multi = probe.of(engine.name("multi"));
        assertEquals(Set.of(a + ":false", b + ":false", b + ":true"),
                multi.stream().map(e -> e.network() + ":" + e.isIpv6()).collect(Collectors.toSet()));
        probe.await("chosen network only", l -> probe.of(engine.name("chosen")).size() == 2);
        assertTrue(probe.of(engine.name("chosen")).stream().allMatch(e -> e.network().equals(b)));

        engine.client.disconnectFromNetworkCmd().withContainerId(id).withNetworkId(b).exec();
        probe.await("disconnect drops network b", l -> probe.of(engine.name("multi")).size() == 1
                && probe.of(engine.name("multi")).get(0).network().equals(a));
        engine.client.connectToNetworkCmd().withContainerId(id).withNetworkId(b).exec();
        probe.await("connect adds network b", l -> probe.of(engine.name("multi")).size() == 3);
    }

    @Test
    void publishedPortModeRegistersHostAddressAndPort() throws Exception {
        watch(true, List.of(InetAddress.getByName("127.0.0.1")));
        String id = engine.start(engine.container("pub").withHostConfig(HostConfig.newHostConfig()
                .withPortBindings(PortBinding.parse("127.0.0.1::80"))));
        engine.start(engine.container("unpublished"));
        Endpoint e = probe.await("published", l -> !probe.of(engine.name("pub")).isEmpty()).stream()
                .filter(x -> x.containerId().equals(id)).findFirst().orElseThrow();
        String hostPort = engine.client.inspectContainerCmd(id).exec().getNetworkSettings().getPorts().getBindings()
                .get(ExposedPort.tcp(80))[0].getHostPortSpec();
        assertEquals("127.0.0.1", e.address().getHostAddress());
        assertEquals(Integer.parseInt(hostPort), e.port());
        assertEquals("", e.network());
        assertEquals(1, probe.of(engine.name("pub")).size());
        probe.await("unpublished on its network", l -> probe.of(engine.name("unpublished")).size() == 1);
        assertEquals("bridge", probe.of(engine.name("unpublished")).get(0).network());
    }
}
