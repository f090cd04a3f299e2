package haystack.dns.internal.zones;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import haystack.api.zone.ResourceRecord;

/**
 * Collects records by owner name while a group of a zone is built. Every ancestor of an
 * owner down to the zone apex exists too (an empty non-terminal, RFC 8020): it answers
 * NODATA, never NXDOMAIN. Duplicate records are kept once.
 */
final class ZoneNames {

    private final Map<String, Set<ResourceRecord>> records = new HashMap<>();

    /** Adds {@code record} at its owner and the owner's ancestors below {@code apex} as empty names. */
    void add(ResourceRecord record, String apex) {
        records.computeIfAbsent(record.name(), n -> new LinkedHashSet<>()).add(record);
        addName(record.name(), apex);
    }

    /** Makes {@code name} and its ancestors down to {@code apex} exist, with no records of their own. */
    void addName(String name, String apex) {
        String n = name;
        while (n.length() > apex.length() && n.endsWith(apex)) {
            records.computeIfAbsent(n, k -> new LinkedHashSet<>());
            int dot = n.indexOf('.');
            if (dot < 0) {
                break;
            }
            n = n.substring(dot + 1);
        }
        records.computeIfAbsent(apex, k -> new LinkedHashSet<>());
    }

    /** Every name collected with its records, in no particular order. */
    void forEach(BiConsumer<String, List<ResourceRecord>> action) {
        records.forEach((name, set) -> action.accept(name, List.copyOf(set)));
    }
}
