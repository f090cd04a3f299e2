package haystack.web.internal;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.RegistrySnapshot;
import haystack.api.metrics.MetricsWriter;
import haystack.api.metrics.MetricsWriter.Type;

/** Gauges read from one registry snapshot at scrape time: its size and endpoints by service and health. */
final class RegistryMetrics {

    private RegistryMetrics() {
    }

    static void collect(RegistrySnapshot snapshot, MetricsWriter w) {
        w.family("haystack_registry_endpoints", Type.GAUGE, "Endpoints in the registry");
        w.sample("haystack_registry_endpoints", snapshot.size());
        w.family("haystack_registry_services", Type.GAUGE, "Services with at least one endpoint");
        w.sample("haystack_registry_services", snapshot.services().size());
        w.family("haystack_registry_version", Type.GAUGE, "Registry version, increased by every change");
        w.sample("haystack_registry_version", snapshot.version());
        w.family("haystack_endpoints", Type.GAUGE, "Endpoints by service and health");
        w.family("haystack_endpoints_available", Type.GAUGE, "Endpoints taking traffic (healthy or unknown, not draining) by service");
        w.family("haystack_endpoints_draining", Type.GAUGE, "Draining endpoints by service");
        Map<String, int[]> byService = new TreeMap<>();
        for (Endpoint e : snapshot.endpoints()) {
            int[] counts = byService.computeIfAbsent(e.qualifiedName(), s -> new int[Health.values().length + 2]);
            counts[e.health().ordinal()]++;
            if (e.isAvailable()) {
                counts[Health.values().length]++;
            }
            if (e.draining()) {
                counts[Health.values().length + 1]++;
            }
        }
        for (Map.Entry<String, int[]> s : byService.entrySet()) {
            int[] c = s.getValue();
            for (Health h : Health.values()) {
                w.sample("haystack_endpoints", c[h.ordinal()], "service", s.getKey(), "health", h.label());
            }
            w.sample("haystack_endpoints_available", c[Health.values().length], "service", s.getKey());
            w.sample("haystack_endpoints_draining", c[Health.values().length + 1], "service", s.getKey());
        }
    }

    /** Endpoints of one service counted by health. */
    static Map<Health, Integer> health(List<Endpoint> endpoints) {
        Map<Health, Integer> counts = new EnumMap<>(Health.class);
        for (Health h : Health.values()) {
            counts.put(h, 0);
        }
        endpoints.forEach(e -> counts.merge(e.health(), 1, Integer::sum));
        return counts;
    }
}
