package haystack.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable view of every endpoint at one moment. Readers on hot paths take one
 * snapshot and work from it without locks; the registry swaps in a new snapshot on
 * every change. Endpoints are ordered by id, so iteration order is stable between
 * snapshots.
 *
 * <p>A snapshot also says whether the registry is {@linkplain #ready() ready}: whether
 * every discovery source has finished its first synchronisation. Before that, a name
 * missing from the snapshot may only not have been seen yet.
 */
public final class RegistrySnapshot {

    /** The empty snapshot of a ready registry (a listener's catch-up change starts from it). */
    public static final RegistrySnapshot EMPTY = new RegistrySnapshot(0, List.of());

    private static final Comparator<Endpoint> BY_ID = Comparator.comparing(Endpoint::id);

    private final long version;
    private final List<Endpoint> endpoints;
    private final Map<String, Endpoint> byId;
    private final Map<String, List<Endpoint>> byService;
    private final boolean ready;
    /** DNS names of ungrouped services: they win over an equal {@code <group>.<service>}. */
    private final Set<String> exactNames;

    /** Builds a snapshot of a ready registry holding {@code endpoints}; ids must be unique. */
    public RegistrySnapshot(long version, Collection<Endpoint> endpoints) {
        this(version, endpoints, true);
    }

    /**
     * Builds a snapshot of {@code endpoints}; ids must be unique.
     *
     * @param ready whether every discovery source has finished its first synchronisation
     * @since 1.2
     */
    public RegistrySnapshot(long version, Collection<Endpoint> endpoints, boolean ready) {
        this.version = version;
        this.ready = ready;
        List<Endpoint> sorted = new ArrayList<>(endpoints);
        sorted.sort(BY_ID);
        Map<String, Endpoint> ids = new HashMap<>(sorted.size() * 2);
        Map<String, List<Endpoint>> services = new LinkedHashMap<>();
        Set<String> exact = new HashSet<>();
        for (Endpoint e : sorted) {
            if (e.group() == null) {
                exact.add(e.qualifiedName());
            }
            if (ids.put(e.id(), e) != null) {
                throw new IllegalArgumentException("duplicate endpoint id " + e.id());
            }
            services.computeIfAbsent(e.service(), s -> new ArrayList<>()).add(e);
        }
        services.replaceAll((s, list) -> List.copyOf(list));
        this.endpoints = List.copyOf(sorted);
        this.byId = Collections.unmodifiableMap(ids);
        this.byService = Collections.unmodifiableMap(services);
        this.exactNames = Set.copyOf(exact);
    }

    /**
     * Whether {@code e}'s {@code <group>.<service>} name is also the exact name of an
     * ungrouped service ({@code web.nginx} of group {@code web} beside a service written
     * {@code web.nginx}): the exact service wins (SPEC §3), so {@code e} is not served
     * under that name.
     *
     * @since 1.2
     */
    public boolean shadowed(Endpoint e) {
        return e.group() != null && exactNames.contains(e.qualifiedName());
    }

    /** Increases with every change; 0 for the empty registry at start. */
    public long version() {
        return version;
    }

    /**
     * Whether every discovery source has finished its first synchronisation (or the
     * registry stopped waiting for it). Until then a name missing from this snapshot may
     * exist and not have been seen yet: answer "try again", never "no such name". Once
     * true it stays true; the change that makes it true is delivered to listeners like
     * any other (with no endpoint added, removed or updated).
     *
     * @since 1.2
     */
    public boolean ready() {
        return ready;
    }

    /** Every endpoint, ordered by id. */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public int size() {
        return endpoints.size();
    }

    public Optional<Endpoint> endpoint(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Names of every service with at least one endpoint, in id order of their first endpoint. */
    public Set<String> services() {
        return byService.keySet();
    }

    /** Every endpoint of {@code service} (all groups, any health), ordered by id; empty if unknown. */
    public List<Endpoint> service(String service) {
        return byService.getOrDefault(service, List.of());
    }

    /** Every endpoint published by the source {@code sourceId}. */
    public List<Endpoint> source(String sourceId) {
        return endpoints.stream().filter(e -> e.source().equals(sourceId)).toList();
    }
}
