package haystack.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;
import haystack.api.strategy.StrategyCatalog;
import org.junit.jupiter.api.Test;

/** The sampler publishes strategies when the catalog changes; a registry change carries its own. */
class LiveSamplerTest {

    private final AtomicReference<RegistrySnapshot> snapshot = new AtomicReference<>();
    private final Map<String, String> overrides = new ConcurrentHashMap<>();
    private final StrategyCatalog catalog = new StrategyCatalog() {
        @Override
        public SortedSet<String> names() {
            return new TreeSet<>(List.of("random", "round-robin"));
        }

        @Override
        public Map<String, String> overrides() {
            return Map.copyOf(overrides);
        }

        @Override
        public void choose(String service, String strategy) {
            overrides.put(service, strategy);
        }
    };

    private AdminView view() {
        return (AdminView) java.lang.reflect.Proxy.newProxyInstance(AdminView.class.getClassLoader(), new Class<?>[] {AdminView.class},
                (p, m, a) -> switch (m.getName()) {
                    case "snapshot" -> snapshot.get();
                    case "strategies" -> catalog;
                    case "sourceStatuses", "metricsSources" -> List.of();
                    case "origin" -> "haystack";
                    case "version" -> "1.2.3";
                    case "startedMillis" -> 5L;
                    default -> null;
                });
    }

    private static Endpoint endpoint(String service, int port, String strategy) {
        return Endpoint.builder().service(service).containerId(service + port).containerName(service + port).source("file:/d")
                .address(InetAddress.getLoopbackAddress()).port(port).portName("http").strategy(strategy).build();
    }

    @Test
    void strategiesArePublishedWhenTheCatalogChangesNotAtEveryPeriodOfRegistryChanges() {
        snapshot.set(new RegistrySnapshot(1, List.of(endpoint("web", 8080, null), endpoint("db", 5432, null))));
        AdminView view = view();
        DashboardState state = new DashboardState(view, 2000);
        EventRing ring = new EventRing(100, 5);
        EventStream stream = new EventStream(ring, state::full, 1 << 20, 60_000);
        LiveSampler sampler = new LiveSampler(view, state, stream, new TrafficSamples(5, 10));
        String start = ring.lastId();
        sampler.tick();
        snapshot.set(new RegistrySnapshot(2, List.of(endpoint("web", 8080, "random"), endpoint("db", 5432, null))));
        sampler.tick();
        sampler.tick();
        assertEquals(List.of(), strategyEvents(ring, start), "a registry change's strategies go with its change event");

        catalog.choose("db", "random");
        sampler.tick();
        List<EventRing.LiveEvent> events = strategyEvents(ring, start);
        assertEquals(1, events.size());
        String data = events.get(0).data();
        assertTrue(data.contains("\"db\":{\"name\":\"random\",\"why\":\"chosen at runtime\"}"), data);
        assertTrue(data.contains("\"web\":{\"name\":\"random\",\"why\":\"label haystack.strategy\"}"), "read from the registry as it is now: " + data);

        sampler.tick();
        assertEquals(1, strategyEvents(ring, start).size(), "nothing changed since");
        sampler.close();
    }

    private static List<EventRing.LiveEvent> strategyEvents(EventRing ring, String since) {
        return ring.after(since).stream().filter(e -> e.type().equals("strategies")).toList();
    }
}
