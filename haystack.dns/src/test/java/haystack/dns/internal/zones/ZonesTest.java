package haystack.dns.internal.zones;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.RegistrySnapshot;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneQuery;
import org.junit.jupiter.api.Test;

/** The three built-in zones, straight from snapshots (the server tests ask them over the wire). */
class ZonesTest {

    private static Endpoint endpoint(String service, String container, String ip, String portName, String network) throws Exception {
        return Endpoint.builder().service(service).containerId(String.format("%064x", container.hashCode() & 0xffffffffL))
                .containerName(container).address(InetAddress.getByName(ip)).port(8000).portName(portName)
                .network(network).health(Health.HEALTHY).build();
    }

    private static ZoneQuery query(String name, RegistrySnapshot s) {
        return new ZoneQuery(name, "haystack", s);
    }

    private static Set<String> names(ZoneAnswer a) {
        return a.records().stream().map(r -> r instanceof ResourceRecord.Address ad ? ad.address().getHostAddress()
                : r.toString()).collect(Collectors.toSet());
    }

    @Test
    void tenThousandEndpointsAreIndexedOncePerSnapshot() throws Exception {
        List<Endpoint> many = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            many.add(endpoint("s" + (i / 10), "s" + (i / 10) + "-" + (i % 10),
                    "10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff), "redis", "bench"));
        }
        RegistrySnapshot snapshot = new RegistrySnapshot(1, many);
        AtomicInteger builds = new AtomicInteger();
        ServicesZone services = new ServicesZone(List.of());
        SnapshotIndex counting = new SnapshotIndex((q, n) -> builds.incrementAndGet());
        for (int i = 0; i < 1000; i++) {
            ZoneAnswer a = services.lookup(query("s" + i + ".services.haystack", snapshot));
            assertEquals(10, a.records().size(), "s" + i);
            counting.lookup(query("s" + i + ".services.haystack", snapshot));
        }
        assertEquals(1, builds.get());
        counting.lookup(query("s1.services.haystack", new RegistrySnapshot(2, many)));
        assertEquals(2, builds.get());
    }

    @Test
    void dottedServiceNamesAndTheExactNameWinning() throws Exception {
        Endpoint exact = endpoint("web.nginx", "exact", "10.0.0.1", "redis", "n");
        Endpoint grouped = Endpoint.builder().service("nginx").group("web").containerId(String.format("%064x", 7))
                .containerName("web-1").address(InetAddress.getByName("10.0.0.2")).port(8000).portName("redis")
                .health(Health.HEALTHY).build();
        ServicesZone zone = new ServicesZone(List.of());
        assertEquals(Set.of("10.0.0.1"), names(zone.lookup(query("web.nginx.services.haystack", new RegistrySnapshot(1, List.of(exact, grouped))))));
        assertEquals(Set.of("10.0.0.2"), names(zone.lookup(query("web.nginx.services.haystack", new RegistrySnapshot(2, List.of(grouped))))));
        RegistrySnapshot dotted = new RegistrySnapshot(3, List.of(endpoint("servicea.prod", "a", "10.0.0.3", "redis", "n")));
        assertEquals(Set.of("10.0.0.3"), names(zone.lookup(query("servicea.prod.services.haystack", dotted))));
        assertTrue(zone.lookup(query("prod.services.haystack", dotted)).exists(), "an empty non-terminal");
    }

    @Test
    void serviceNamesWithPathsAndTheirEmptyNonTerminals() throws Exception {
        RegistrySnapshot s = new RegistrySnapshot(1, List.of(endpoint("hello/v1", "hello-1", "10.0.0.1", "redis", "n")));
        ServicesZone zone = new ServicesZone(List.of());
        assertEquals(Set.of("10.0.0.1"), names(zone.lookup(query("v1.hello.services.haystack", s))));
        ZoneAnswer parent = zone.lookup(query("hello.services.haystack", s));
        assertTrue(parent.exists());
        assertTrue(parent.records().isEmpty());
        assertTrue(zone.lookup(query("services.haystack", s)).exists());
        assertFalse(zone.lookup(query("v2.hello.services.haystack", s)).exists());
    }

    @Test
    void httpServicesAnswerTheAdvertisedAddressesEvenWithOtherPorts() throws Exception {
        RegistrySnapshot s = new RegistrySnapshot(1, List.of(endpoint("app", "app-1", "10.0.0.1", "http", "n"),
                endpoint("app", "app-1", "10.0.0.1", "redis", "n").toBuilder().port(6379).build()));
        ServicesZone zone = new ServicesZone(List.of(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("2001:db8::1")));
        assertEquals(Set.of("192.0.2.1", "2001:db8:0:0:0:0:0:1"), names(zone.lookup(query("app.services.haystack", s))));
        assertEquals(1, zone.lookup(query("_redis._tcp.app.services.haystack", s)).records().size());
    }

    @Test
    void containersStayWhileTheyHaveEndpointsButAnswerOnlyWhenAvailable() throws Exception {
        Endpoint starting = endpoint("db", "db-1", "10.0.0.9", "postgresql", "n").toBuilder().health(Health.STARTING).build();
        RegistrySnapshot s = new RegistrySnapshot(1, List.of(starting));
        ContainersZone zone = new ContainersZone();
        ZoneAnswer a = zone.lookup(query("db-1.containers.haystack", s));
        assertTrue(a.exists());
        assertTrue(a.records().isEmpty());
        assertFalse(zone.lookup(query("db-2.containers.haystack", s)).exists());
    }

    @Test
    void reverseZoneHoldsContainerAddressesButNotPublishedHostPorts() throws Exception {
        RegistrySnapshot s = new RegistrySnapshot(1, List.of(endpoint("db", "db-1", "fd00::9", "postgresql", "n"),
                endpoint("web", "web-1", "192.168.1.5", "http", "")));
        ReverseZone zone = new ReverseZone();
        String v6 = "9.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa";
        assertEquals(List.of(new ResourceRecord.Pointer(v6, "db-1.containers.haystack")), zone.lookup(query(v6, s)).records());
        assertFalse(zone.lookup(query("5.1.168.192.in-addr.arpa", s)).exists());
        assertFalse(zone.lookup(query("0.d.f.ip6.arpa", s)).exists());
    }
}
