package haystack.dns.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import haystack.api.RegistrySnapshot;
import haystack.api.zone.ZoneProvider;
import haystack.dns.internal.zones.NameChanges;
import haystack.dns.internal.zones.TrackedZone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which provider answers for which zone apex, as one immutable map: the server swaps in a
 * new table when a provider comes or goes, queries read the current one without locks.
 */
final class ZoneTable {

    private static final Logger LOG = LoggerFactory.getLogger(ZoneTable.class);

    /**
     * A provider's zone. {@code underOrigin} zones are part of Haystack's own domain, so
     * a name they do not hold is NXDOMAIN; other zones (the reverse trees) only claim the
     * names they hold and leave the rest to the upstreams.
     */
    record Zone(String apex, ZoneProvider provider, boolean underOrigin) {
    }

    static final ZoneTable EMPTY = new ZoneTable(Map.of());

    private final Map<String, Zone> byApex;
    /** The providers that mark their changed names, each once. */
    private final List<TrackedZone> tracked;

    private ZoneTable(Map<String, Zone> byApex) {
        this.byApex = byApex;
        this.tracked = byApex.values().stream().map(Zone::provider).distinct()
                .filter(TrackedZone.class::isInstance).map(TrackedZone.class::cast).toList();
    }

    /** The table of {@code providers} (earlier ones win a contested apex) under {@code origin}. */
    static ZoneTable of(String origin, List<ZoneProvider> providers) {
        Map<String, Zone> zones = new HashMap<>();
        for (ZoneProvider p : providers) {
            List<String> names;
            try {
                names = p.zones();
            } catch (RuntimeException e) {
                LOG.warn("zone provider failed to list its zones provider={} error={}", p.getClass().getName(), e.toString());
                continue;
            }
            for (String zone : names) {
                String apex = ZoneProvider.apex(zone, origin);
                Zone z = new Zone(apex, p, apex.endsWith("." + origin));
                Zone previous = zones.putIfAbsent(apex, z);
                if (previous != null && previous.provider() != p) {
                    LOG.warn("zone claimed twice, keeping the first zone={} provider={} kept={}", apex,
                            p.getClass().getName(), previous.provider().getClass().getName());
                }
            }
        }
        return new ZoneTable(Map.copyOf(zones));
    }

    /** The zone holding {@code name} (lower case, no trailing dot): the longest apex it ends with. */
    Zone find(String name) {
        String n = name;
        while (true) {
            Zone z = byApex.get(n);
            if (z != null) {
                return z;
            }
            int dot = n.indexOf('.');
            if (dot < 0) {
                return null;
            }
            n = n.substring(dot + 1);
        }
    }

    /**
     * Where {@code name}'s answer is marked when it changes: its zone's marks when the zone
     * is a tracked one, else null (the name must be looked up again).
     */
    NameChanges changes(String name) {
        Zone z = find(name);
        return z != null && z.provider() instanceof TrackedZone t ? t.changes() : null;
    }

    /** Brings every tracked zone to {@code snapshot}, so the marks of its changes are set. */
    void advance(RegistrySnapshot snapshot, String origin) {
        for (TrackedZone z : tracked) {
            z.advance(snapshot, origin);
        }
    }

    int size() {
        return byApex.size();
    }
}
