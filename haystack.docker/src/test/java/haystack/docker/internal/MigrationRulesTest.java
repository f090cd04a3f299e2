package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import haystack.api.Endpoint;
import haystack.api.Protocol;
import haystack.docker.internal.ContainerFacts.Attachment;
import haystack.docker.internal.ContainerFacts.Port;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3 for users moving over: Registrator's variables with Registrator's meaning,
 * dotted names kept, HighHock's DISCOVER also spelt DISCOVERY, nginx-proxy's and
 * Traefik's routing; whatever cannot be used as written is logged once.
 */
class MigrationRulesTest {

    private final ContainerEndpoints rules = new ContainerEndpoints("docker:test", "unix:///test.sock", PortNames.iana(), false, List.of());
    private final Map<String, String> labels = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();
    private List<Port> ports = List.of(Port.of(80, Protocol.TCP));

    private ContainerFacts facts() {
        InetAddress ip = EngineFacts.literal("172.17.0.2");
        return new ContainerFacts("c0ffee01", "app-1", "team/shop:1.0", labels, env, ports,
                List.of(new Attachment("bridge", ip, null)), null, true);
    }

    private List<Endpoint> endpoints() {
        return rules.endpoints(facts());
    }

    private Endpoint onPort(int port) {
        return endpoints().stream().filter(e -> e.port() == port).findFirst().orElseThrow(() -> new AssertionError("no endpoint on " + port));
    }

    private Set<String> services() {
        return endpoints().stream().map(e -> e.service() + ":" + e.port() + ":" + e.portName()).collect(Collectors.toSet());
    }

    @Test
    void registratorPortNameIsThatPortsServiceName() {
        ports = List.of(Port.of(80, Protocol.TCP), Port.of(8081, Protocol.TCP), Port.of(9000, Protocol.TCP));
        env.put("SERVICE_NAME", "shop");
        env.put("SERVICE_8081_NAME", "api");
        labels.put("SERVICE_9000_NAME", "admin");
        assertEquals(Set.of("shop:80:http", "api:8081:sunproxyadmin", "admin:9000:cslistener"), services());
    }

    @Test
    void registratorPortTagsReplaceTheServiceTags() {
        ports = List.of(Port.of(80, Protocol.TCP), Port.of(8080, Protocol.TCP));
        env.put("SERVICE_NAME", "hello/v1");
        env.put("SERVICE_TAGS", "rest,blue");
        env.put("SERVICE_8080_TAGS", "admin,server_alias=admin.example.com");
        assertEquals(Set.of("rest", "blue"), onPort(80).tags());
        assertEquals("/hello/v1", onPort(80).path(), "seed 001: the rest tag routes /<service>");
        assertEquals(Set.of("admin", "server_alias=admin.example.com"), onPort(8080).tags());
        assertNull(onPort(8080).path(), "no rest tag on 8080");
        assertEquals(Set.of("admin.example.com"), onPort(8080).aliases());
        assertEquals(Set.of(), onPort(80).aliases());
    }

    @Test
    void registratorIgnoreWholeAndPerPort() {
        ports = List.of(Port.of(80, Protocol.TCP), Port.of(8080, Protocol.TCP));
        env.put("SERVICE_8080_IGNORE", "true");
        env.put("SERVICE_8080_NAME", "api");
        assertEquals(Set.of("shop:80:http"), services(), "an ignored port is not registered, even when named");
        labels.put("SERVICE_IGNORE", "yes");
        assertEquals(List.of(), endpoints());
    }

    @Test
    void registratorChecksPerPort() {
        ports = List.of(Port.of(80, Protocol.TCP), Port.of(6379, Protocol.TCP));
        env.put("SERVICE_CHECK_HTTP", "/health");
        env.put("SERVICE_CHECK_INTERVAL", "2s");
        env.put("SERVICE_6379_CHECK_TCP", "true");
        env.put("SERVICE_6379_CHECK_TIMEOUT", "1s");
        assertEquals("/health", onPort(80).healthCheck().path());
        assertEquals(Duration.ofSeconds(2), onPort(80).healthCheck().interval());
        assertEquals("/health", onPort(6379).healthCheck().path(), "SERVICE_CHECK_HTTP applies to every port, as in Registrator");
        env.remove("SERVICE_CHECK_HTTP");
        assertNull(onPort(80).healthCheck());
        assertEquals(null, onPort(6379).healthCheck().path());
        assertEquals(Duration.ofSeconds(1), onPort(6379).healthCheck().timeout());
        labels.put("haystack.health.path", "/ping");
        assertEquals("/ping", onPort(6379).healthCheck().path(), "haystack.* labels win");
    }

    @Test
    void dottedNamesAreKeptAsWrittenInLowerCase() {
        env.put("SERVICE_NAME", "serviceA.prod");
        env.put("SERVICE_TAGS", "server_alias=serviceA.prod.example.com");
        Endpoint e = endpoints().get(0);
        assertEquals("servicea.prod", e.service());
        assertEquals("servicea.prod", e.qualifiedName().substring(e.qualifiedName().indexOf('.') + 1), "grouped app-1: app.servicea.prod");
        assertEquals(Set.of("servicea.prod.example.com"), e.aliases());
        env.put("SERVICE_NAME", "hello/v1.2");
        assertEquals("hello/v1.2", endpoints().get(0).service());
    }

    @Test
    void namesThatCannotBeUsedAsWrittenAreLoggedOnceWithWhatWasUsed() {
        List<String> logged = new ArrayList<>();
        MetadataWarnings warnings = new MetadataWarnings();
        env.put("SERVICE_NAME", "my_shop..prod");
        for (int i = 0; i < 3; i++) {
            assertEquals("my-shop.prod", ContainerMetadata.of(facts(), warnings, (k, v, why) -> logged.add(k + "=" + v + " " + why))
                    .services().get(0).service());
        }
        assertEquals(List.of("SERVICE_NAME=my_shop..prod used as my-shop.prod"), logged);

        logged.clear();
        env.put("SERVICE_NAME", "x".repeat(64) + ".prod");
        assertEquals("shop", ContainerMetadata.of(facts(), warnings, (k, v, why) -> logged.add(k + " " + why)).services().get(0).service());
        assertEquals(1, logged.size());
        assertTrue(logged.get(0).startsWith("SERVICE_NAME not a DNS name"), logged.toString());

        logged.clear();
        env.put("SERVICE_NAME", "a.".repeat(100) + "b");
        ContainerMetadata.of(facts(), warnings, (k, v, why) -> logged.add(k + " " + why));
        assertEquals(1, logged.size(), "longer than a service name may be: " + logged);

        logged.clear();
        env.put("SERVICE_NAME", "bad\u0000name\u001b");
        assertEquals("bad-name", ContainerMetadata.of(facts(), warnings, (k, v, why) -> logged.add(k + " " + why)).services().get(0).service());
        assertEquals(1, logged.size(), logged.toString());
    }

    @Test
    void caseAloneIsNotARename() {
        List<String> logged = new ArrayList<>();
        env.put("SERVICE_NAME", "serviceB.prod");
        ContainerMetadata.of(facts(), new MetadataWarnings(), (k, v, why) -> logged.add(k));
        assertEquals(List.of(), logged);
    }

    @Test
    void discoverySpellingIsReadAsDiscover() {
        env.put("DISCOVERY", "httpd:80");
        assertEquals(Set.of("httpd:80:http"), services());
        env.put("DISCOVER", "web:80");
        List<String> logged = new ArrayList<>();
        ContainerMetadata meta = ContainerMetadata.of(facts(), new MetadataWarnings(), (k, v, why) -> logged.add(k + " " + why));
        assertEquals("web", meta.services().get(0).service());
        assertEquals(List.of("DISCOVERY DISCOVER is set too; using DISCOVER"), logged);
    }

    @Test
    void registratorPortNamesBesideDiscoverAreLogged() {
        env.put("DISCOVER", "httpd:80");
        env.put("SERVICE_80_NAME", "api");
        List<String> logged = new ArrayList<>();
        ContainerMetadata meta = ContainerMetadata.of(facts(), new MetadataWarnings(), (k, v, why) -> logged.add(k + " " + why));
        assertEquals(List.of(new ContainerMetadata.ServicePort("httpd", 80)), meta.services());
        assertEquals(List.of("SERVICE_80_NAME DISCOVER names the services; using httpd:80"), logged);
    }

    @Test
    void discoverHostileValues() {
        env.put("DISCOVER", "a:0,b:65536,c:99999999999,:80,d:-1,e,f\u0000:81,g:80");
        List<String> logged = new ArrayList<>();
        List<ContainerMetadata.ServicePort> sp = ContainerMetadata.of(facts(), new MetadataWarnings(), (k, v, why) -> logged.add(v)).services();
        assertEquals(List.of(new ContainerMetadata.ServicePort("f", 81), new ContainerMetadata.ServicePort("g", 80)), sp);
        assertEquals(7, logged.size(), logged.toString());
    }

    @Test
    void nginxProxyVirtualHostPortAndPath() {
        ports = List.of(Port.of(3000, Protocol.TCP), Port.of(9229, Protocol.TCP));
        env.put("VIRTUAL_HOST", "shop.example.com,www.shop.example.com");
        env.put("VIRTUAL_PORT", "3000");
        env.put("VIRTUAL_PATH", "/shop");
        Endpoint routed = onPort(3000);
        assertEquals("http", routed.portName(), "the routed port is served by the load balancer");
        assertEquals(Set.of("shop.example.com", "www.shop.example.com"), routed.aliases());
        assertEquals("/shop", routed.path());
        assertEquals("port-9229", onPort(9229).portName());
    }

    @Test
    void theOnlyExposedPortIsRoutedWithoutVirtualPort() {
        ports = List.of(Port.of(5000, Protocol.TCP));
        env.put("VIRTUAL_HOST", "app.example.com");
        assertEquals("http", onPort(5000).portName());
        ports = List.of(Port.of(5000, Protocol.TCP), Port.of(5001, Protocol.TCP));
        assertEquals("commplex-main", onPort(5000).portName(), "two ports, none 80, no VIRTUAL_PORT: logged, not guessed");
    }

    @Test
    void traefikRoutersServicesAndOptOut() {
        ports = List.of(Port.of(8080, Protocol.TCP), Port.of(8443, Protocol.TCP));
        labels.put("traefik.http.routers.shop.rule", "Host(`shop.example.com`) || PathPrefix(`/shop`)");
        labels.put("traefik.http.services.shop.loadbalancer.server.port", "8080");
        Endpoint e = onPort(8080);
        assertEquals("http", e.portName());
        assertEquals(Set.of("shop.example.com"), e.aliases());
        assertEquals("/shop", e.path());
        labels.put("traefik.enable", "false");
        assertEquals(List.of(), endpoints());
    }

    @Test
    void aLabelPathWinsAndExtraPathsAreLogged() {
        labels.put("traefik.http.routers.a.rule", "PathPrefix(`/a`, `/b`)");
        List<String> logged = new ArrayList<>();
        ContainerMetadata meta = ContainerMetadata.of(facts(), new MetadataWarnings(), (k, v, why) -> logged.add(v + " " + why));
        assertEquals("/a", meta.path());
        assertEquals(List.of("/b one path prefix per container; routing /a"), logged);
        labels.put("haystack.path", "/x");
        assertEquals("/x", ContainerMetadata.of(facts(), new MetadataWarnings()).path());
    }
}
