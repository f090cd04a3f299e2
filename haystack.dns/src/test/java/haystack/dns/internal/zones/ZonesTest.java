package haystack.dns.internal.zones;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
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
    void aChangeRebuildsOnlyTheGroupsItTouchesAndUnchangedNamesKeepTheirAnswer() throws Exception {
        List<Endpoint> many = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            many.add(endpoint("s" + (i / 10), "s" + (i / 10) + "-" + (i % 10),
                    "10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff), "redis", "bench"));
        }
        RegistrySnapshot first = new RegistrySnapshot(1, many);
        AtomicInteger builds = new AtomicInteger();
        ServicesZone services = new ServicesZone(List.of());
        IncrementalIndex counting = new IncrementalIndex(new IncrementalIndex.Grouping() {
            @Override
            public void groups(Endpoint e, String origin, java.util.function.Consumer<String> out) {
                out.accept(e.service());
            }

            @Override
            public void build(String key, List<Endpoint> members, String origin, ZoneNames names) {
                builds.incrementAndGet();
                names.addName(key + ".services." + origin, "services." + origin);
            }

            @Override
            public void fixed(String origin, ZoneNames names) {
            }
        }, new NameChanges());
        List<ZoneAnswer> before = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ZoneAnswer a = services.lookup(query("s" + i + ".services.haystack", first));
            assertEquals(10, a.records().size(), "s" + i);
            before.add(a);
            counting.lookup(query("s" + i + ".services.haystack", first));
        }
        assertEquals(1000, builds.get(), "one build per service, once");

        List<Endpoint> changed = new ArrayList<>(many);
        changed.set(42, many.get(42).toBuilder().health(Health.UNHEALTHY).build());
        RegistrySnapshot second = new RegistrySnapshot(2, changed);
        counting.lookup(query("s1.services.haystack", second));
        assertEquals(1001, builds.get(), "one endpoint changed: its service's group alone is built again");
        for (int i = 0; i < 1000; i++) {
            ZoneAnswer a = services.lookup(query("s" + i + ".services.haystack", second));
            if (i == 4) {
                assertEquals(9, a.records().size());
            } else {
                assertSame(before.get(i), a, "unchanged s" + i + " keeps its answer instance");
            }
        }
        assertEquals(10, services.lookup(query("s4.services.haystack", first)).records().size(), "back to an older snapshot");
    }

    @Test
    void aHundredThousandEndpointsAndTwentyChangesStayFarFromQuadratic() throws Exception {
        List<Endpoint> many = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            many.add(endpoint("s" + (i / 10), "s" + (i / 10) + "-" + (i % 10),
                    "10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff), "redis", "bench"));
        }
        ServicesZone services = new ServicesZone(List.of());
        ContainersZone containers = new ContainersZone();
        ReverseZone reverse = new ReverseZone();
        // an upper bound with ample slack: every name the apex holds costing a pass over the others took minutes
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(120), () -> {
            List<Endpoint> now = new ArrayList<>(many);
            for (int change = 0; change <= 20; change++) {
                if (change > 0) {
                    int i = (change * 7919) % now.size();
                    Endpoint e = now.get(i);
                    now.set(i, e.toBuilder().health(e.health() == Health.HEALTHY ? Health.UNHEALTHY : Health.HEALTHY).build());
                }
                RegistrySnapshot s = new RegistrySnapshot(change + 1, now);
                assertTrue(services.lookup(query("s" + change + ".services.haystack", s)).records().size() >= 9);
                assertTrue(containers.lookup(query("s" + change + "-1.containers.haystack", s)).exists());
                assertTrue(services.lookup(query("services.haystack", s)).exists());
                assertTrue(reverse.lookup(query("1.0.0.10.in-addr.arpa", s)).exists());
            }
        });
    }

    /** Every name an endpoint can make, in the three zones, and their ancestors. */
    private static Set<String> namesOf(List<Endpoint> endpoints) {
        Set<String> out = new java.util.TreeSet<>();
        for (Endpoint e : endpoints) {
            String q = e.qualifiedName() + ".services.haystack";
            String d = ServiceNamesForTest.dnsName(e) + ".services.haystack";
            for (String n : List.of(q, d, "_" + e.portName() + "._tcp." + q, "_tcp." + q,
                    ContainerNames.label(e).orElse("x") + ".containers.haystack",
                    ContainerNames.shortId(e).orElse("x") + ".containers.haystack",
                    org.xbill.DNS.ReverseMap.fromAddress(e.address()).toString(true))) {
                for (String a = n; a.contains("."); a = a.substring(a.indexOf('.') + 1)) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    private static final class ServiceNamesForTest {
        static String dnsName(Endpoint e) {
            return haystack.api.ServiceNames.dnsName(e.service());
        }
    }

    @Test
    void incrementalAnswersEqualAFreshIndexThroughRandomChanges() throws Exception {
        java.util.Random random = new java.util.Random(20);
        String[] services = { "web", "web.nginx", "nginx", "hello/v1", "hello", "db" };
        String[] groups = { null, null, "web", "v1" };
        String[] ports = { "http", "redis", "postgresql", "port-1" };
        Health[] health = { Health.HEALTHY, Health.UNHEALTHY, Health.STARTING, Health.UNKNOWN };
        java.util.Map<String, Endpoint> live = new java.util.TreeMap<>();
        ServicesZone services1 = new ServicesZone(List.of(InetAddress.getByName("192.0.2.1")));
        ContainersZone containers1 = new ContainersZone();
        ReverseZone reverse1 = new ReverseZone();
        Set<String> asked = new java.util.TreeSet<>();
        for (int step = 0; step < 120; step++) {
            int changes = 1 + random.nextInt(4);
            for (int c = 0; c < changes; c++) {
                if (!live.isEmpty() && random.nextInt(3) == 0) {
                    List<String> ids = new ArrayList<>(live.keySet());
                    String id = ids.get(random.nextInt(ids.size()));
                    if (random.nextBoolean()) {
                        live.remove(id);
                    } else {
                        Endpoint e = live.get(id);
                        live.put(id, e.toBuilder().health(health[random.nextInt(health.length)]).draining(random.nextInt(5) == 0)
                                .group(groups[random.nextInt(groups.length)]).portName(ports[random.nextInt(ports.length)]).build());
                    }
                } else {
                    int n = random.nextInt(40);
                    Endpoint e = Endpoint.builder().service(services[random.nextInt(services.length)])
                            .group(groups[random.nextInt(groups.length)]).containerId(String.format("%064x", n % 25))
                            .containerName("c-" + (n % 25)).address(InetAddress.getByName("10.0.0." + n)).port(8000 + n % 3)
                            .portName(ports[random.nextInt(ports.length)]).network(n % 4 == 0 ? "" : "net")
                            .health(health[random.nextInt(health.length)]).build();
                    live.put(e.id(), e);
                }
            }
            RegistrySnapshot s = new RegistrySnapshot(step + 1, live.values());
            asked.addAll(namesOf(s.endpoints()));
            ServicesZone services2 = new ServicesZone(List.of(InetAddress.getByName("192.0.2.1")));
            ContainersZone containers2 = new ContainersZone();
            ReverseZone reverse2 = new ReverseZone();
            for (String name : asked) {
                ZoneQuery q = query(name, s);
                assertSameAnswer(services2.lookup(q), services1.lookup(q), step + " " + name);
                assertSameAnswer(containers2.lookup(q), containers1.lookup(q), step + " " + name);
                assertSameAnswer(reverse2.lookup(q), reverse1.lookup(q), step + " " + name);
            }
        }
    }

    private static void assertSameAnswer(ZoneAnswer fresh, ZoneAnswer incremental, String what) {
        assertEquals(fresh.exists(), incremental.exists(), what);
        assertEquals(Set.copyOf(fresh.records()), Set.copyOf(incremental.records()), what);
        assertEquals(fresh.records().size(), incremental.records().size(), what);
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

    @Test
    void advancingMarksExactlyTheNamesWhoseAnswerChangedAndAResetMarksEveryName() throws Exception {
        Endpoint redis1 = endpoint("redis", "redis-1", "172.17.0.4", "redis", "bench");
        Endpoint redis2 = endpoint("redis", "redis-2", "172.17.0.5", "redis", "bench");
        Endpoint web = endpoint("web", "web-1", "172.18.0.1", "redis", "bench");
        ContainersZone containers = new ContainersZone();
        ServicesZone services = new ServicesZone(List.of());
        RegistrySnapshot first = new RegistrySnapshot(1, List.of(redis1, redis2, web));
        containers.advance(first, "haystack");
        services.advance(first, "haystack");
        long since = NameChanges.now();
        // the same SRV records; a new address behind redis-1's container name
        Endpoint moved = endpoint("redis", "redis-1", "172.17.0.9", "redis", "bench");
        RegistrySnapshot second = new RegistrySnapshot(2, List.of(moved, redis2, web));
        containers.advance(second, "haystack");
        services.advance(second, "haystack");
        assertFalse(containers.changes().unchangedSince("redis-1.containers.haystack", since), "the moved address");
        assertFalse(services.changes().unchangedSince("redis.services.haystack", since), "the service's A records");
        assertTrue(services.changes().unchangedSince("_redis._tcp.redis.services.haystack", since), "SRV records stay the same");
        assertTrue(containers.changes().unchangedSince("redis-2.containers.haystack", since));
        assertTrue(services.changes().unchangedSince("web.services.haystack", since));
        assertEquals(Set.of("172.17.0.9"), names(containers.lookup(query("redis-1.containers.haystack", second))));
        // advancing to where the zone is already marks nothing
        long again = NameChanges.now();
        containers.advance(second, "haystack");
        services.advance(second, "haystack");
        assertEquals(again, NameChanges.now());
        services.changes().forgetAll();
        assertFalse(services.changes().unchangedSince("web.services.haystack", again), "marks forgotten: nothing older can be trusted");
        assertTrue(services.changes().unchangedSince("web.services.haystack", NameChanges.now()));
    }

    @Test
    void twoInstancesOfAZoneDoNotSeeEachOthersMarks() throws Exception {
        Endpoint redis1 = endpoint("redis", "redis-1", "172.17.0.4", "redis", "bench");
        Endpoint moved = endpoint("redis", "redis-1", "172.17.0.9", "redis", "bench");
        ContainersZone one = new ContainersZone();
        ContainersZone other = new ContainersZone();
        RegistrySnapshot first = new RegistrySnapshot(1, List.of(redis1));
        one.advance(first, "haystack");
        other.advance(first, "haystack");
        long since = NameChanges.now();
        one.advance(new RegistrySnapshot(2, List.of(moved)), "haystack");
        assertFalse(one.changes().unchangedSince("redis-1.containers.haystack", since), "its own change");
        assertTrue(other.changes().unchangedSince("redis-1.containers.haystack", since), "the other zone did not change");
        // a reset (new origin) of one forgets its own marks only
        one.advance(new RegistrySnapshot(3, List.of(moved)), "other");
        assertFalse(one.changes().unchangedSince("web-1.containers.other", since));
        assertTrue(other.changes().unchangedSince("redis-1.containers.haystack", since), "the other's marks stay");
        assertTrue(other.changes().unchangedSince("anything.containers.haystack", since));
    }
}
