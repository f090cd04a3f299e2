package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.HealthCheck;
import haystack.api.Protocol;
import haystack.docker.internal.ContainerFacts.Attachment;
import haystack.docker.internal.ContainerFacts.Binding;
import haystack.docker.internal.ContainerFacts.Port;
import org.junit.jupiter.api.Test;

/** The discovery rules of SPEC §3, without Docker. */
class ContainerEndpointsTest {

    private static final PortNames IANA = PortNames.iana();
    private final ContainerEndpoints rules = new ContainerEndpoints("docker:test", "unix:///test.sock", IANA, false, List.of());

    private static InetAddress ip(String s) {
        return EngineFacts.literal(s);
    }

    /** A running container of {@code image} named {@code name} on bridge 172.17.0.2, port 80/tcp. */
    private static Facts facts(String name, String image) {
        return new Facts(name, image);
    }

    private static final class Facts {
        String name;
        String image;
        Map<String, String> labels = new HashMap<>();
        Map<String, String> env = new HashMap<>();
        List<Port> ports = List.of(Port.of(80, Protocol.TCP));
        List<Attachment> networks = List.of(new Attachment("bridge", ip("172.17.0.2"), null));
        String health;
        boolean running = true;

        Facts(String name, String image) {
            this.name = name;
            this.image = image;
        }

        Facts label(String k, String v) {
            labels.put(k, v);
            return this;
        }

        Facts env(String k, String v) {
            env.put(k, v);
            return this;
        }

        ContainerFacts build() {
            return new ContainerFacts("c0ffee" + name.hashCode(), name, image, labels, env, ports, networks, health, running);
        }
    }

    private List<Endpoint> endpoints(Facts f) {
        return rules.endpoints(f.build());
    }

    private Endpoint one(Facts f) {
        List<Endpoint> eps = endpoints(f);
        assertEquals(1, eps.size(), eps.toString());
        return eps.get(0);
    }

    @Test
    void imageBasenameIsTheService() {
        assertEquals("nginx", ContainerMetadata.imageBasename("library/nginx:1.9"));
        assertEquals("nginx", ContainerMetadata.imageBasename("registry:5000/team/nginx@sha256:0123abcd"));
        assertEquals("nginx", ContainerMetadata.imageBasename("registry:5000/team/nginx:1.9@sha256:0123abcd"));
        assertEquals("redis", ContainerMetadata.imageBasename("redis"));
        assertNull(ContainerMetadata.imageBasename("sha256:0123abcd"));
        Endpoint e = one(facts("app", "library/nginx:1.9"));
        assertEquals("nginx", e.service());
        assertNull(e.group());
        assertEquals("172.17.0.2", e.address().getHostAddress());
        assertEquals("bridge", e.network());
        assertEquals("docker:test", e.source());
        assertEquals("unix:///test.sock", e.host());
    }

    @Test
    void imageIdFallsBackToTheContainerName() {
        assertEquals("web", one(facts("web-3", "sha256:0123abcd")).service());
    }

    @Test
    void groupIsTheNameWithoutTrailingNumber() {
        assertEquals("web", ContainerMetadata.groupOf("web-001"));
        assertEquals("web", ContainerMetadata.groupOf("web_2"));
        assertEquals("shop-web", ContainerMetadata.groupOf("shop-web-1"));
        assertNull(ContainerMetadata.groupOf("web"));
        assertNull(ContainerMetadata.groupOf("web2"));
        assertEquals("proj-web", one(facts("proj_web_1", "nginx")).group(), "compose names are folded into a label");
        assertEquals("web.nginx", one(facts("web-001", "nginx")).qualifiedName());
    }

    @Test
    void serviceLabelWinsOverRegistratorAndImage() {
        assertEquals("hello/v1", one(facts("a1", "nginx").label("haystack.service", "hello/v1").env("SERVICE_NAME", "other")).service());
        assertEquals("shop", one(facts("a1", "nginx").env("SERVICE_NAME", "shop")).service());
        assertEquals("shop", one(facts("a1", "nginx").label("SERVICE_NAME", "shop").env("SERVICE_NAME", "env")).service());
        assertEquals("my-shop", one(facts("a1", "nginx").label("haystack.service", "My_Shop")).service(), "normalised");
    }

    @Test
    void badServiceNamesFallBackToTheImage() {
        assertEquals("nginx", one(facts("a1", "nginx").label("haystack.service", "x".repeat(64))).service());
        assertEquals("nginx", one(facts("a1", "nginx").label("haystack.service", "***")).service());
        assertEquals("nginx", one(facts("a1", "nginx").label("haystack.service", "/")).service());
    }

    @Test
    void groupLabelOverridesTheRuleAndBadOneIsIgnored() {
        assertEquals("blue", one(facts("web-1", "nginx").label("haystack.group", "blue")).group());
        assertEquals("web", one(facts("web-1", "nginx").label("haystack.group", "!!!")).group());
    }

    @Test
    void disabledAndIgnoredContainersAreNotRegistered() {
        assertTrue(endpoints(facts("a1", "nginx").label("haystack.enable", "false")).isEmpty());
        assertTrue(endpoints(facts("a1", "nginx").env("SERVICE_IGNORE", "true")).isEmpty());
        assertTrue(endpoints(facts("a1", "nginx").label("SERVICE_IGNORE", "1")).isEmpty());
        assertEquals(1, endpoints(facts("a1", "nginx").label("haystack.enable", "true")).size());
        assertTrue(endpoints(facts("a1", "nginx").label("haystack.enable", "No")).isEmpty());
        assertTrue(endpoints(facts("a1", "nginx").label("haystack.enable", "0")).isEmpty());
        assertEquals(1, endpoints(facts("a1", "nginx").label("haystack.enable", "maybe")).size(), "unreadable: logged, registered");
    }

    @Test
    void notRunningContainersHaveNoEndpoints() {
        Facts f = facts("a1", "nginx");
        f.running = false;
        assertTrue(endpoints(f).isEmpty());
    }

    @Test
    void portNamesFromIanaAndLabels() {
        Facts f = facts("a1", "nginx");
        f.ports = List.of(Port.of(80, Protocol.TCP), Port.of(8080, Protocol.TCP), Port.of(6379, Protocol.TCP),
                Port.of(53, Protocol.UDP), Port.of(60999, Protocol.TCP));
        Map<Integer, String> names = endpoints(f).stream().collect(Collectors.toMap(Endpoint::port, Endpoint::portName));
        assertEquals(Map.of(80, "http", 8080, "http-alt", 6379, "redis", 53, "domain", 60999, "port-60999"), names);
        assertEquals(Protocol.UDP, endpoints(f).stream().filter(e -> e.port() == 53).findFirst().orElseThrow().protocol());

        Endpoint named = one(facts("a1", "nginx").label("haystack.port.80", "web").env("SERVICE_80_NAME", "www"));
        assertEquals("web", named.portName());
        assertEquals("www", named.service(), "Registrator: SERVICE_<port>_NAME is the service name of that port");
        assertEquals("http", one(facts("a1", "nginx").env("SERVICE_80_NAME", "www")).portName());
        assertEquals("http", one(facts("a1", "nginx").label("haystack.port.80", "%%%")).portName(), "bad name ignored");
    }

    @Test
    void registratorPortIgnore() {
        Facts f = facts("a1", "nginx").env("SERVICE_8080_IGNORE", "1");
        f.ports = List.of(Port.of(80, Protocol.TCP), Port.of(8080, Protocol.TCP));
        assertEquals(80, one(f).port());
    }

    @Test
    void serviceTagsRestAndServerAlias() {
        Endpoint e = one(facts("a1", "nginx").env("SERVICE_NAME", "hello").env("SERVICE_TAGS", "rest, server_alias=www.example.com,blue"));
        assertEquals("/hello", e.path());
        assertEquals(Set.of("www.example.com"), e.aliases());
        assertEquals(Set.of("rest", "server_alias=www.example.com", "blue"), e.tags());
    }

    @Test
    void aliasPathStrategyAndWeightLabels() {
        Endpoint e = one(facts("a1", "nginx").label("haystack.alias", "a.example.com, B.example.com,bad_name!,")
                .label("haystack.path", "/api/").label("haystack.strategy", "least-conn").label("haystack.weight", "5"));
        assertEquals(Set.of("a.example.com", "b.example.com"), e.aliases());
        assertEquals("/api", e.path());
        assertEquals("least-conn", e.strategy());
        assertEquals(5, e.weight());
    }

    @Test
    void invalidLabelValuesUseTheDefault() {
        Endpoint e = one(facts("a1", "nginx").label("haystack.path", "api").label("haystack.strategy", "no such!")
                .label("haystack.weight", "heavy"));
        assertNull(e.path());
        assertNull(e.strategy());
        assertEquals(Endpoint.DEFAULT_WEIGHT, e.weight());
        assertEquals(Endpoint.DEFAULT_WEIGHT, one(facts("a1", "nginx").label("haystack.weight", "-2")).weight());
        assertEquals(0, one(facts("a1", "nginx").label("haystack.weight", "0")).weight());
    }

    @Test
    void tcpListenerLabels() {
        assertEquals(6379, one(facts("a1", "redis").label("haystack.tcp", "6379")).tcpPort(), "the only TCP port");
        assertEquals(0, one(facts("a1", "redis")).tcpPort(), "no label, no listener");
        assertEquals(0, one(facts("a1", "redis").label("haystack.tcp", "70000")).tcpPort(), "not a port: logged, ignored");
        assertEquals(0, one(facts("a1", "redis").label("haystack.tcp", "x")).tcpPort());

        Facts several = facts("a1", "pg");
        several.ports = List.of(Port.of(5432, Protocol.TCP), Port.of(8008, Protocol.TCP), Port.of(53, Protocol.UDP));
        Map<Integer, Integer> byPort = endpoints(several.label("haystack.tcp", "15432")).stream()
                .collect(Collectors.toMap(Endpoint::port, Endpoint::tcpPort));
        assertEquals(Map.of(5432, 0, 8008, 0, 53, 0), byPort, "ambiguous with several TCP ports: logged, ignored");
        byPort = endpoints(several.label("haystack.tcp.5432", "15432").label("haystack.tcp.53", "1053")).stream()
                .collect(Collectors.toMap(Endpoint::port, Endpoint::tcpPort));
        assertEquals(Map.of(5432, 15432, 8008, 0, 53, 0), byPort, "per container port; never a UDP port");
    }

    @Test
    void tcpListenerLabelNamesTheContainerPortInPublishedMode() {
        ContainerEndpoints published = new ContainerEndpoints("docker:test", "h", IANA, true, List.of(ip("192.0.2.7")));
        Facts f = facts("a1", "pg").label("haystack.tcp.5432", "15432");
        f.ports = List.of(new Port(5432, Protocol.TCP, List.of(new Binding(ip("127.0.0.1"), 32768))),
                new Port(8008, Protocol.TCP, List.of(new Binding(ip("127.0.0.1"), 32769))));
        Map<Integer, Integer> byHostPort = published.endpoints(f.build()).stream()
                .collect(Collectors.toMap(Endpoint::port, Endpoint::tcpPort));
        assertEquals(Map.of(32768, 15432, 32769, 0), byHostPort);
    }

    @Test
    void healthCheckLabels() {
        assertEquals(new HealthCheck("/ping", Duration.ofSeconds(2), HealthCheck.DEFAULT_RISE, HealthCheck.DEFAULT_FALL),
                one(facts("a1", "nginx").label("haystack.health.path", "/ping").label("haystack.health.interval", "2s")).healthCheck());
        assertEquals(Duration.ofMillis(500),
                one(facts("a1", "nginx").label("haystack.health.interval", "500ms")).healthCheck().interval());
        assertFalse(one(facts("a1", "nginx").label("haystack.health.interval", "500ms")).healthCheck().isHttp(), "TCP check");
        assertEquals(HealthCheck.DEFAULT_INTERVAL,
                one(facts("a1", "nginx").label("haystack.health.path", "/").label("haystack.health.interval", "soon")).healthCheck().interval());
        assertNull(one(facts("a1", "nginx").label("haystack.health.path", "ping")).healthCheck());
        assertNull(one(facts("a1", "nginx")).healthCheck());
    }

    @Test
    void dockerHealthStatus() {
        Facts f = facts("a1", "nginx");
        f.health = "starting";
        assertEquals(Health.STARTING, one(f).health());
        assertFalse(one(f).isAvailable());
        f.health = "healthy";
        assertEquals(Health.HEALTHY, one(f).health());
        f.health = "unhealthy";
        assertEquals(Health.UNHEALTHY, one(f).health());
        f.health = null;
        assertEquals(Health.UNKNOWN, one(f).health());
    }

    @Test
    void discoverListsServicesAndPorts() {
        Facts f = facts("a1", "nginx").env("DISCOVER", "api:8080, admin:9000");
        Set<String> got = endpoints(f).stream().map(e -> e.service() + ":" + e.port() + ":" + e.portName()).collect(Collectors.toSet());
        assertEquals(Set.of("api:8080:http-alt", "admin:9000:cslistener"), got);
        Facts bad = facts("a1", "nginx").env("DISCOVER", "api:http,:80,nocolon,ok:81");
        assertEquals(Set.of("ok:81"), endpoints(bad).stream().map(e -> e.service() + ":" + e.port()).collect(Collectors.toSet()));
        assertEquals("nginx", one(facts("a1", "nginx").env("DISCOVER", "garbage")).service(), "nothing usable: defaults");
    }

    @Test
    void oneEndpointPerAttachmentAndAddressFamily() {
        Facts f = facts("a1", "nginx");
        f.networks = List.of(new Attachment("front", ip("10.1.0.2"), ip("fd00::2")), new Attachment("back", ip("10.2.0.2"), null));
        Set<String> got = endpoints(f).stream().map(e -> e.network() + "/" + e.address().getHostAddress()).collect(Collectors.toSet());
        assertEquals(Set.of("front/10.1.0.2", "front/fd00:0:0:0:0:0:0:2", "back/10.2.0.2"), got);
        assertEquals(Set.of("back"), endpoints(f.label("haystack.network", "back")).stream().map(Endpoint::network).collect(Collectors.toSet()));
        assertEquals(3, endpoints(f.label("haystack.network", "nowhere")).size(), "unknown network: every attachment");
    }

    @Test
    void publishedPortsAtBindingOrAdvertisedAddress() {
        ContainerEndpoints published = new ContainerEndpoints("docker:test", "h", IANA, true, List.of(ip("192.0.2.7")));
        Facts f = facts("a1", "nginx");
        f.ports = List.of(new Port(80, Protocol.TCP, List.of(new Binding(ip("127.0.0.1"), 32768))),
                new Port(443, Protocol.TCP, List.of(new Binding(null, 32769), new Binding(ip("::"), 32769))),
                Port.of(8080, Protocol.TCP));
        Set<String> got = published.endpoints(f.build()).stream()
                .map(e -> e.network() + "/" + e.address().getHostAddress() + ":" + e.port() + "/" + e.portName()).collect(Collectors.toSet());
        assertEquals(Set.of("/127.0.0.1:32768/http", "/192.0.2.7:32769/https", "bridge/172.17.0.2:8080/http-alt"), got);
        assertEquals(3, rules.endpoints(f.label("haystack.published", "true").build()).size(), "label turns it on");
        assertEquals(3, published.endpoints(f.label("haystack.published", "false").build()).stream()
                .filter(e -> e.network().equals("bridge")).count(), "label turns it off");

        Facts twins = facts("a1", "nginx");
        twins.ports = List.of(new Port(80, Protocol.TCP, List.of(new Binding(null, 32770), new Binding(ip("::"), 32771))));
        assertEquals(List.of(32770), published.endpoints(twins.build()).stream().map(Endpoint::port).toList(),
                "the IPv6 twin of a port published on every address, at another host port, is the same endpoint");

        ContainerEndpoints noAddress = new ContainerEndpoints("docker:test", "h", IANA, true, List.of());
        Facts wildcard = facts("a1", "nginx");
        wildcard.ports = List.of(new Port(80, Protocol.TCP, List.of(new Binding(null, 32768))));
        assertEquals("bridge/80", noAddress.endpoints(wildcard.build()).stream().map(e -> e.network() + "/" + e.port())
                .findFirst().orElseThrow(), "no advertised address: the network address");
    }

    @Test
    void ownContainerHasNoEndpointsInAnyMode() {
        Facts self = facts("haystack", "haystack").label("haystack.service", "haystack");
        self.ports = List.of(new Port(80, Protocol.TCP, List.of(new Binding(null, 80))), Port.of(53, Protocol.UDP));
        self.networks = List.of(new Attachment("bridge", ip("172.17.0.5"), ip("fd00::5")));
        ContainerFacts c = self.build();
        Facts other = facts("web-1", "nginx");
        other.ports = self.ports;
        OwnContainer own = OwnContainer.fromSetting(c.id());
        for (boolean published : new boolean[] { false, true }) {
            ContainerEndpoints withSelf = new ContainerEndpoints("docker:test", "h", IANA, published, List.of(ip("192.0.2.7")), own);
            assertEquals(List.of(), withSelf.endpoints(c), "published=" + published);
            assertEquals(List.of(), withSelf.endpoints(self.label("haystack.published", String.valueOf(!published)).build()));
            assertEquals(2, withSelf.endpoints(other.build()).size(), "other containers are registered, published=" + published);
            assertFalse(new ContainerEndpoints("docker:test", "h", IANA, published, List.of(ip("192.0.2.7"))).endpoints(c).isEmpty(),
                    "the same container, when it is not Haystack's");
        }
        ContainerEndpoints byName = new ContainerEndpoints("docker:test", "h", IANA, false, List.of(), OwnContainer.fromSetting("haystack"));
        assertEquals(List.of(), byName.endpoints(c));
        assertEquals(List.of(), byName.endpoints(c), "asked again (logged once): still nothing");
    }

    @Test
    void ownSwarmTaskHasNoEndpoints() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String containerId = "3f9a1c02b7e84d5aa61e0c7d2b94f18e6c35a7d08e1f24b9c6d3a5e7f0b12c48";
        var service = json.readTree("""
                {"ID":"svc1","Spec":{"Name":"haystack","TaskTemplate":{"ContainerSpec":{"Image":"haystack:latest"}}},
                 "Endpoint":{"Ports":[{"Protocol":"tcp","TargetPort":80,"PublishedPort":80}]}}""");
        var task = json.readTree("""
                {"ID":"x1c3ddfw5fu2z0o8wq2sn0b4c","ServiceID":"svc1","Slot":1,
                 "Status":{"State":"running","ContainerStatus":{"ContainerID":"%s","PID":4242}},
                 "NetworksAttachments":[{"Network":{"Spec":{"Name":"apps"}},"Addresses":["10.0.1.7/24"]}]}""".formatted(containerId));
        ContainerFacts facts = SwarmTasks.facts(task, service);
        assertEquals(containerId, facts.containerId());
        assertEquals(1, rules.endpoints(facts).size(), "an ordinary task is registered");
        for (boolean published : new boolean[] { false, true }) {
            ContainerEndpoints withSelf = new ContainerEndpoints("docker:test", "h", IANA, published, List.of(ip("192.0.2.7")),
                    OwnContainer.of(null, "0::/docker/" + containerId + "\n", null));
            assertEquals(List.of(), withSelf.endpoints(facts), "published=" + published);
        }
    }

    @Test
    void badMetadataIsReportedOncePerValue() {
        MetadataWarnings w = new MetadataWarnings();
        assertTrue(w.first("c1", "haystack.weight", "x"));
        assertFalse(w.first("c1", "haystack.weight", "x"));
        assertTrue(w.first("c1", "haystack.weight", "y"));
        assertTrue(w.first("c2", "haystack.weight", "x"));
    }
}
