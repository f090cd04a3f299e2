package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.Protocol;
import haystack.api.RegistrySnapshot;
import haystack.lb.internal.routing.Backend;
import haystack.lb.internal.routing.Route;
import haystack.lb.internal.routing.RoutingTable;
import org.junit.jupiter.api.Test;

/** A table made change by change ({@link RoutingTable#next}) against one built from the whole snapshot. */
class RoutingTableNextTest {

    private final Map<String, Backend> backends = new HashMap<>();

    private Backend backend(Endpoint e) {
        return backends.computeIfAbsent(e.id(), id -> new Backend(e, () -> { }));
    }

    @Test
    void aChangeRebuildsOnlyTheRouteOfItsService() {
        List<Endpoint> all = new ArrayList<>();
        for (int s = 0; s < 40; s++) {
            for (int i = 0; i < 3; i++) {
                all.add(LbFixture.endpoint("s" + s, "c" + s + "-" + i, 2000 + s * 3 + i).build());
            }
        }
        RegistrySnapshot before = new RegistrySnapshot(1, all);
        Map<String, AtomicLong> sequences = new HashMap<>();
        RoutingTable t0 = RoutingTable.build(before, "http", "haystack", List.of(), this::backend, sequences);
        Endpoint added = LbFixture.endpoint("s7", "c7-9", 3000).build();
        RegistrySnapshot after = before.next(2, true, List.of(), List.of(added));
        RoutingTable t1 = t0.next(after, "http", "haystack", List.of(), this::backend, sequences);
        for (Map.Entry<String, Route> r : t0.services().entrySet()) {
            if (r.getKey().equals("s7")) {
                assertNotSame(r.getValue(), t1.services().get("s7"));
                assertEquals(4, t1.services().get("s7").pool().size());
            } else {
                assertSame(r.getValue(), t1.services().get(r.getKey()), r.getKey() + " was not touched: same route, same pool");
            }
        }
        assertSame(t1, t1.next(after, "http", "haystack", List.of(), this::backend, sequences), "nothing changed: the same table");
    }

    @Test
    void aChangeOfAServiceTheListenerDoesNotServeKeepsEveryRoute() {
        List<Endpoint> all = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            all.add(LbFixture.endpoint("web" + s, "w" + s, 2000 + s).build());
            all.add(LbFixture.endpoint("cache" + s, "r" + s, 3000 + s).portName("redis").build());
        }
        RegistrySnapshot before = new RegistrySnapshot(1, all);
        Map<String, AtomicLong> sequences = new HashMap<>();
        RoutingTable t0 = RoutingTable.build(before, "http", "haystack", List.of(), this::backend, sequences);
        RegistrySnapshot after = before.next(2, true, List.of(all.get(3).id()),
                List.of(LbFixture.endpoint("cache1", "r1b", 4000).portName("redis").build()));
        RoutingTable t1 = t0.next(after, "http", "haystack", List.of(), this::backend, sequences);
        assertSame(t0.services(), t1.services(), "a DNS-only service changed: the routes are the same objects");
        assertEquals(t0.hosts(), t1.hosts());
        // The exact service web3 (redis only) beside web3 of a group still reaches the table.
        Endpoint grouped = LbFixture.endpoint("web3x", "g-1", 5000).group("grp").build();
        RegistrySnapshot third = after.next(3, true, List.of(), List.of(grouped));
        RoutingTable t2 = t1.next(third, "http", "haystack", List.of(), this::backend, sequences);
        RoutingTable built = RoutingTable.build(third, "http", "haystack", List.of(), this::backend, new HashMap<>(sequences));
        assertSameRoutes(built, t2, "after a grouped endpoint");
        assertEquals(1, t2.services().get(grouped.qualifiedName()).pool().size(), "the grouped endpoint is served");
        Endpoint exact = LbFixture.endpoint(grouped.qualifiedName(), "x-1", 5001).portName("redis").build();
        RegistrySnapshot fourth = third.next(4, true, List.of(), List.of(exact));
        RoutingTable t3 = t2.next(fourth, "http", "haystack", List.of(), this::backend, sequences);
        assertEquals(null, t3.services().get(grouped.qualifiedName()), "shadowed by an exact service that has no http port");
        assertSameRoutes(RoutingTable.build(fourth, "http", "haystack", List.of(), this::backend, new HashMap<>(sequences)), t3, "after the exact service");
    }

    @Test
    void randomChangesGiveWhatABuildGives() throws Exception {
        Random random = new Random(22);
        String[] services = { "web", "api", "web.nginx", "nginx", "shop", "b.c" };
        String[] groups = { null, null, "web", "a" };
        String[] ports = { "http", "http", "http-alt", "redis" };
        Map<String, Endpoint> model = new TreeMap<>();
        RegistrySnapshot snapshot = new RegistrySnapshot(0, List.of());
        List<String> domains = List.of("example.test");
        Map<String, RoutingTable> tables = new HashMap<>();
        Map<String, Map<String, AtomicLong>> sequences = new HashMap<>();
        for (String listener : List.of("http", "http-alt")) {
            sequences.put(listener, new HashMap<>());
            tables.put(listener, RoutingTable.EMPTY.next(snapshot, listener, "haystack", domains, this::backend, sequences.get(listener)));
        }
        for (int step = 1; step <= 400; step++) {
            List<String> removed = new ArrayList<>();
            Map<String, Endpoint> put = new HashMap<>();
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                if (!model.isEmpty() && random.nextInt(3) == 0) {
                    List<String> ids = new ArrayList<>(model.keySet());
                    removed.add(ids.get(random.nextInt(ids.size())));
                } else {
                    Endpoint.Builder b = LbFixture.endpoint(services[random.nextInt(services.length)], "c" + random.nextInt(40), 2000 + random.nextInt(4))
                            .group(groups[random.nextInt(groups.length)]).portName(ports[random.nextInt(ports.length)])
                            .protocol(random.nextInt(8) == 0 ? Protocol.UDP : Protocol.TCP)
                            .health(random.nextInt(4) == 0 ? Health.UNHEALTHY : Health.HEALTHY);
                    if (random.nextInt(4) == 0) {
                        b.aliases(Set.of("alias" + random.nextInt(3) + ".test"));
                    }
                    if (random.nextInt(4) == 0) {
                        b.path("/p" + random.nextInt(3));
                    }
                    Endpoint e = b.build();
                    put.put(e.id(), e);
                }
            }
            snapshot = snapshot.next(step, true, removed, put.values());
            removed.forEach(model::remove);
            model.putAll(put);
            put.values().forEach(e -> backends.remove(e.id())); // a changed endpoint gets its backend anew, as the balancer updates it
            for (String listener : List.of("http", "http-alt")) {
                RoutingTable next = tables.get(listener).next(snapshot, listener, "haystack", domains, this::backend, sequences.get(listener));
                RoutingTable built = RoutingTable.build(new RegistrySnapshot(step, model.values()), listener, "haystack", domains, this::backend,
                        new HashMap<>(sequences.get(listener)));
                assertSameRoutes(built, next, "step " + step + " " + listener);
                tables.put(listener, next);
            }
        }
    }

    private static void assertSameRoutes(RoutingTable want, RoutingTable got, String where) {
        assertEquals(want.services().keySet(), got.services().keySet(), where);
        assertEquals(want.hosts(), got.hosts(), where);
        for (String host : want.hosts()) {
            assertEquals(want.host(host).service(), got.host(host).service(), where + " host " + host);
        }
        for (Map.Entry<String, Route> r : want.services().entrySet()) {
            Route g = got.services().get(r.getKey());
            assertEquals(r.getValue().registered(), g.registered(), where + " " + r.getKey());
            assertEquals(r.getValue().strategy(), g.strategy(), where + " " + r.getKey());
            assertEquals(endpoints(r.getValue()), endpoints(g), where + " " + r.getKey());
        }
        for (String path : List.of("/p0", "/p1/x", "/p2", "/other")) {
            RoutingTable.PathRoute a = want.path(path);
            RoutingTable.PathRoute b = got.path(path);
            assertEquals(a == null ? null : a.route().service(), b == null ? null : b.route().service(), where + " path " + path);
        }
        assertEquals(want.ready(), got.ready(), where);
    }

    private static List<String> endpoints(Route r) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < r.pool().size(); i++) {
            ids.add(r.pool().endpoint(i).id());
        }
        return ids;
    }
}
