package haystack.dns.internal.zones;

import java.util.Map;
import java.util.function.BiConsumer;

import haystack.api.RegistrySnapshot;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneQuery;

/**
 * A zone's names indexed once per registry snapshot (and origin): the first query after a
 * change builds the map, every other query is one volatile read and one hash lookup. Two
 * threads racing on a new snapshot may both build it; either result is correct.
 */
final class SnapshotIndex {

    private record Built(RegistrySnapshot snapshot, String origin, Map<String, ZoneAnswer> names) {
    }

    private final BiConsumer<ZoneQuery, ZoneNames> builder;
    private volatile Built built;

    /** {@code builder} adds the zone's names for the snapshot and origin of a query. */
    SnapshotIndex(BiConsumer<ZoneQuery, ZoneNames> builder) {
        this.builder = builder;
    }

    ZoneAnswer lookup(ZoneQuery query) {
        Built b = built;
        if (b == null || b.snapshot != query.registry() || !b.origin.equals(query.origin())) {
            ZoneNames names = new ZoneNames();
            builder.accept(query, names);
            b = new Built(query.registry(), query.origin(), names.build());
            built = b;
        }
        ZoneAnswer answer = b.names.get(query.name());
        return answer == null ? ZoneAnswer.nxdomain() : answer;
    }
}
