package haystack.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

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
    private final boolean ready;
    /**
     * Every endpoint by id. Persistent trees: a snapshot made by {@link #next} shares all
     * but the changed paths with the one before it, so a change costs what changed, and
     * {@link #changesSince} skips what two snapshots share.
     */
    private final SortedTree.Node<Endpoint> byId;
    /** Each service's endpoints, ordered by id; an unchanged service's list is the same object in the next snapshot. */
    private final SortedTree.Node<List<Endpoint>> byService;
    /**
     * How many ungrouped endpoints have each DNS name (the service as written): such a name
     * wins over an equal {@code <group>.<service>}.
     */
    private final SortedTree.Node<Integer> exactNames;
    private final List<Endpoint> endpoints;
    /** Made on first call (rarely asked): a list of names in first-endpoint order is not worth keeping up per change. */
    private volatile Set<String> services;

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
        String[] ids = new String[sorted.size()];
        Map<String, List<Endpoint>> services = new HashMap<>();
        Map<String, Integer> exact = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            Endpoint e = sorted.get(i);
            ids[i] = e.id();
            if (i > 0 && ids[i].equals(ids[i - 1])) {
                throw new IllegalArgumentException("duplicate endpoint id " + e.id());
            }
            if (e.group() == null) {
                exact.merge(e.qualifiedName(), 1, Integer::sum);
            }
            services.computeIfAbsent(e.service(), k -> new ArrayList<>()).add(e);
        }
        this.byId = SortedTree.build(ids, sorted, 0, ids.length);
        this.byService = tree(services, List::copyOf);
        this.exactNames = tree(exact, n -> n);
        this.endpoints = SortedTree.values(byId);
    }

    private RegistrySnapshot(long version, boolean ready, SortedTree.Node<Endpoint> byId, SortedTree.Node<List<Endpoint>> byService,
            SortedTree.Node<Integer> exactNames) {
        this.version = version;
        this.ready = ready;
        this.byId = byId;
        this.byService = byService;
        this.exactNames = exactNames;
        this.endpoints = SortedTree.values(byId);
    }

    private static <T, V> SortedTree.Node<V> tree(Map<String, T> map, java.util.function.Function<T, V> value) {
        String[] keys = map.keySet().toArray(String[]::new);
        Arrays.sort(keys);
        List<V> values = new ArrayList<>(keys.length);
        for (String k : keys) {
            values.add(value.apply(map.get(k)));
        }
        return SortedTree.build(keys, values, 0, keys.length);
    }

    /**
     * The snapshot after one change: this one without the endpoints of {@code removedIds}
     * (unknown ids are ignored) and with {@code put} added or replacing the endpoints of
     * their ids. Costs in proportion to what changed (and to the size of the services it
     * touches), not to the registry: every unchanged endpoint, and every unchanged
     * service's {@link #service} list, is the same object in both snapshots. This snapshot
     * is not changed.
     *
     * @throws IllegalArgumentException if {@code put} holds an id twice
     * @since 1.4
     */
    public RegistrySnapshot next(long nextVersion, boolean nextReady, Collection<String> removedIds, Collection<Endpoint> put) {
        SortedTree.Node<Endpoint> ids = byId;
        SortedTree.Node<Integer> exact = exactNames;
        Map<String, List<Endpoint>> leaving = new HashMap<>();
        Map<String, List<Endpoint>> joining = new HashMap<>();
        for (String id : removedIds) {
            Endpoint old = SortedTree.get(ids, id);
            if (old != null) {
                ids = SortedTree.remove(ids, id);
                exact = uncount(exact, old);
                leaving.computeIfAbsent(old.service(), k -> new ArrayList<>()).add(old);
            }
        }
        Set<String> putIds = new HashSet<>();
        for (Endpoint e : put) {
            if (!putIds.add(e.id())) {
                throw new IllegalArgumentException("duplicate endpoint id " + e.id());
            }
            Endpoint old = SortedTree.get(ids, e.id());
            if (old == e) {
                continue;
            }
            if (old != null) {
                exact = uncount(exact, old);
                leaving.computeIfAbsent(old.service(), k -> new ArrayList<>()).add(old);
            }
            ids = SortedTree.put(ids, e.id(), e);
            if (e.group() == null) {
                exact = SortedTree.put(exact, e.qualifiedName(), count(exact, e.qualifiedName()) + 1);
            }
            joining.computeIfAbsent(e.service(), k -> new ArrayList<>()).add(e);
        }
        SortedTree.Node<List<Endpoint>> services = byService;
        Set<String> touched = new HashSet<>(leaving.keySet());
        touched.addAll(joining.keySet());
        for (String service : touched) {
            List<Endpoint> members = new ArrayList<>(SortedTree.get(services, service) == null ? List.of() : SortedTree.get(services, service));
            List<Endpoint> gone = leaving.getOrDefault(service, List.of());
            if (!gone.isEmpty()) {
                Set<Endpoint> goneSet = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                goneSet.addAll(gone);
                members.removeIf(goneSet::contains);
            }
            members.addAll(joining.getOrDefault(service, List.of()));
            members.sort(BY_ID);
            services = members.isEmpty() ? SortedTree.remove(services, service) : SortedTree.put(services, service, List.copyOf(members));
        }
        return new RegistrySnapshot(nextVersion, nextReady, ids, services, exact);
    }

    private static int count(SortedTree.Node<Integer> counts, String name) {
        Integer n = SortedTree.get(counts, name);
        return n == null ? 0 : n;
    }

    private static SortedTree.Node<Integer> uncount(SortedTree.Node<Integer> counts, Endpoint old) {
        if (old.group() != null) {
            return counts;
        }
        int n = count(counts, old.qualifiedName());
        return n <= 1 ? SortedTree.remove(counts, old.qualifiedName()) : SortedTree.put(counts, old.qualifiedName(), n - 1);
    }

    /**
     * Calls {@code changed(old, now)} for every endpoint id whose endpoint differs (is not
     * the same object) between {@code earlier} and this snapshot, in id order: {@code old}
     * is null for an endpoint added since, {@code now} null for one removed since. When
     * this snapshot was made from {@code earlier} by {@link #next} (directly or in steps),
     * what they share is skipped unread, so this costs about what changed times log n.
     *
     * @since 1.4
     */
    public void changesSince(RegistrySnapshot earlier, BiConsumer<Endpoint, Endpoint> changed) {
        SortedTree.diff(earlier.byId, byId, changed);
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
        return e.group() != null && SortedTree.get(exactNames, e.qualifiedName()) != null;
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
        return SortedTree.size(byId);
    }

    public Optional<Endpoint> endpoint(String id) {
        return Optional.ofNullable(SortedTree.get(byId, id));
    }

    /** Names of every service with at least one endpoint, in id order of their first endpoint. */
    public Set<String> services() {
        Set<String> names = services;
        if (names == null) {
            Set<String> inOrder = new LinkedHashSet<>();
            for (Endpoint e : endpoints) {
                inOrder.add(e.service());
            }
            names = Collections.unmodifiableSet(inOrder);
            services = names;
        }
        return names;
    }

    /** Every endpoint of {@code service} (all groups, any health), ordered by id; empty if unknown. */
    public List<Endpoint> service(String service) {
        List<Endpoint> members = SortedTree.get(byService, service);
        return members == null ? List.of() : members;
    }

    /** Every endpoint published by the source {@code sourceId}. */
    public List<Endpoint> source(String sourceId) {
        return endpoints.stream().filter(e -> e.source().equals(sourceId)).toList();
    }
}
