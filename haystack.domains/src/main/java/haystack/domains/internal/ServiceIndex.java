package haystack.domains.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;

/**
 * One registry snapshot's endpoints by the name they are served under (an exact service
 * beats an equal {@code <group>.<service>}) and the names carrying each tag, built once per
 * snapshot so a flood of made-up Consul names costs hash lookups, not a pass over the registry.
 */
final class ServiceIndex {

    private final RegistrySnapshot snapshot;
    private final Map<String, List<Endpoint>> byName = new HashMap<>();
    private final Map<String, Set<String>> namesByTag = new HashMap<>();

    private ServiceIndex(RegistrySnapshot snapshot) {
        this.snapshot = snapshot;
        for (Endpoint e : snapshot.endpoints()) {
            if (snapshot.shadowed(e)) {
                continue;
            }
            byName.computeIfAbsent(e.qualifiedName(), n -> new ArrayList<>()).add(e);
            for (String tag : e.tags()) {
                namesByTag.computeIfAbsent(tag.toLowerCase(Locale.ROOT), t -> new LinkedHashSet<>()).add(e.qualifiedName());
            }
        }
    }

    /** The index of {@code snapshot}: {@code cached} when it is that snapshot's, else a new one. */
    static ServiceIndex of(RegistrySnapshot snapshot, ServiceIndex cached) {
        return cached != null && cached.snapshot == snapshot ? cached : new ServiceIndex(snapshot);
    }

    /** Every endpoint served under {@code name}; empty if none. */
    List<Endpoint> named(String name) {
        return byName.getOrDefault(name, List.of());
    }

    /** The names with an endpoint carrying {@code tag} (lower case). */
    Set<String> tagged(String tag) {
        return namesByTag.getOrDefault(tag, Set.of());
    }
}
