package haystack.dns.internal.zones;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneQuery;

/**
 * A zone's names kept in step with the registry change by change, so a change costs work
 * in proportion to what changed rather than to the registry's size. The zone's endpoints
 * fall into groups (a zone says which: the services zone has one per service name); a
 * change rebuilds the groups whose endpoints changed, and only their names get a new
 * answer. A name whose records stay the same keeps its {@link ZoneAnswer} instance, which
 * tells the server that an answer it encoded before still holds.
 *
 * <p>What changed is found by {@link RegistrySnapshot#changesSince}: a snapshot shares
 * every unchanged endpoint, and the tree nodes holding them, with the one before it, so
 * the walk skips what did not change and costs about the changed endpoints times log n. Readers do not lock: they read under
 * an optimistic stamp and try again when an update overlapped.
 */
final class IncrementalIndex {

    /** How a zone groups endpoints and what names a group makes. */
    interface Grouping {
        /** The keys of the groups {@code e} belongs to; none when it is not in the zone. */
        void groups(Endpoint e, String origin, Consumer<String> out);

        /** Adds the names and records of group {@code key}; {@code members} (ordered by id) is never empty. */
        void build(String key, List<Endpoint> members, String origin, ZoneNames out);

        /** Adds the names the zone has whatever the registry holds (its apex). */
        void fixed(String origin, ZoneNames out);
    }

    /** The names one group adds, each with its records (none for an empty name). */
    private record Owned(String name, List<ResourceRecord> records) {
    }

    private static final String FIXED = "";
    private static final RegistrySnapshot NOTHING = new RegistrySnapshot(-1, List.of());
    private static final int OPTIMISTIC_ATTEMPTS = 3;

    private final Grouping grouping;
    /** Where the names whose answer changes are marked. */
    private final NameChanges changes;
    private final StampedLock lock = new StampedLock();
    /** What readers see: answers by name. Written under the write lock only. */
    private final Map<String, ZoneAnswer> answers = new ConcurrentHashMap<>();
    /** Members of each group, ordered by id. Under the write lock. */
    private final Map<String, List<Endpoint>> members = new HashMap<>();
    /** The names each group adds. Under the write lock. */
    private final Map<String, List<Owned>> contributions = new HashMap<>();
    /** How many groups make each name exist: a name every group shares (the apex) costs one count, not a list. Under the write lock. */
    private final Map<String, Integer> holders = new HashMap<>();
    /** The groups with records at each name (nearly always one). Under the write lock. */
    private final Map<String, List<String>> owners = new HashMap<>();
    /** The snapshot and origin {@link #answers} hold; written under the write lock, read under a stamp. */
    private RegistrySnapshot at = NOTHING;
    private String origin;

    IncrementalIndex(Grouping grouping, NameChanges changes) {
        this.grouping = grouping;
        this.changes = changes;
    }

    /** Brings the index to {@code target} under {@code newOrigin} unless it is there already. */
    void advance(RegistrySnapshot target, String newOrigin) {
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0 && at == target && newOrigin.equals(origin) && lock.validate(stamp)) {
            return;
        }
        long write = lock.writeLock();
        try {
            moveTo(target, newOrigin);
        } finally {
            lock.unlockWrite(write);
        }
    }

    ZoneAnswer lookup(ZoneQuery query) {
        for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
            long stamp = lock.tryOptimisticRead();
            if (stamp != 0 && at == query.registry() && query.origin().equals(origin)) {
                ZoneAnswer answer = answers.get(query.name());
                if (lock.validate(stamp)) {
                    return answer == null ? ZoneAnswer.nxdomain() : answer;
                }
                continue;
            }
            long write = lock.writeLock();
            try {
                moveTo(query.registry(), query.origin());
            } finally {
                lock.unlockWrite(write);
            }
        }
        // other threads keep moving the index (snapshots racing): answer under the lock
        long write = lock.writeLock();
        try {
            moveTo(query.registry(), query.origin());
            ZoneAnswer answer = answers.get(query.name());
            return answer == null ? ZoneAnswer.nxdomain() : answer;
        } finally {
            lock.unlockWrite(write);
        }
    }

    /** Brings the index to {@code target} under {@code newOrigin}. Under the write lock. */
    private void moveTo(RegistrySnapshot target, String newOrigin) {
        if (at == target && newOrigin.equals(origin)) {
            return;
        }
        Set<String> touched = new HashSet<>();
        if (!newOrigin.equals(origin)) {
            answers.clear();
            members.clear();
            contributions.clear();
            holders.clear();
            owners.clear();
            at = NOTHING;
            origin = newOrigin;
            changes.forgetAll();
            ZoneNames fixed = new ZoneNames();
            grouping.fixed(newOrigin, fixed);
            contribute(FIXED, fixed, touched);
        }
        Set<String> groups = new HashSet<>();
        target.changesSince(at, (old, now) -> {
            if (old != null && now != null && old.equals(now)) {
                return; // republished as it was: its groups stay
            }
            if (old != null) {
                grouping.groups(old, origin, key -> {
                    groups.add(key);
                    leave(key, old);
                });
            }
            if (now != null) {
                grouping.groups(now, origin, key -> {
                    groups.add(key);
                    join(key, now);
                });
            }
        });
        for (String key : groups) {
            List<Owned> before = contributions.remove(key);
            if (before != null) {
                for (Owned o : before) {
                    touched.add(o.name());
                    holders.computeIfPresent(o.name(), (n, count) -> count == 1 ? null : count - 1);
                    if (!o.records().isEmpty()) {
                        List<String> keys = owners.getOrDefault(o.name(), List.of());
                        List<String> rest = new ArrayList<>(keys);
                        rest.remove(key);
                        if (rest.isEmpty()) {
                            owners.remove(o.name());
                        } else {
                            owners.put(o.name(), List.copyOf(rest));
                        }
                    }
                }
            }
            List<Endpoint> m = members.get(key);
            if (m != null && !m.isEmpty()) {
                ZoneNames names = new ZoneNames();
                grouping.build(key, m, origin, names);
                contribute(key, names, touched);
            }
        }
        touched.forEach(this::publish);
        at = target;
    }

    /** Records what group {@code key} adds; the names it adds go into {@code touched}. */
    private void contribute(String key, ZoneNames names, Set<String> touched) {
        List<Owned> owned = new ArrayList<>();
        names.forEach((name, records) -> {
            owned.add(new Owned(name, records));
            touched.add(name);
            holders.merge(name, 1, Integer::sum);
            if (!records.isEmpty()) {
                List<String> keys = owners.get(name);
                if (keys == null) {
                    owners.put(name, List.of(key));
                } else if (!keys.contains(key)) {
                    List<String> more = new ArrayList<>(keys);
                    more.add(key);
                    owners.put(name, List.copyOf(more));
                }
            }
        });
        contributions.put(key, List.copyOf(owned));
    }

    /** Sets what readers see at {@code name} from its groups; an unchanged answer keeps its instance. */
    private void publish(String name) {
        if (!holders.containsKey(name)) {
            if (answers.remove(name) != null) {
                changes.changed(name);
            }
            return;
        }
        List<String> keys = owners.getOrDefault(name, List.of());
        List<ResourceRecord> records;
        if (keys.size() <= 1) {
            records = keys.isEmpty() ? List.of() : recordsOf(keys.get(0), name);
        } else {
            Set<ResourceRecord> union = new LinkedHashSet<>();
            keys.forEach(k -> union.addAll(recordsOf(k, name)));
            records = List.copyOf(union);
        }
        ZoneAnswer next = ZoneAnswer.of(records);
        ZoneAnswer previous = answers.get(name);
        if (!next.equals(previous)) {
            answers.put(name, next);
            changes.changed(name);
        }
    }

    private List<ResourceRecord> recordsOf(String key, String name) {
        for (Owned o : contributions.getOrDefault(key, List.of())) {
            if (o.name().equals(name)) {
                return o.records();
            }
        }
        return List.of();
    }

    private void join(String key, Endpoint e) {
        List<Endpoint> m = members.computeIfAbsent(key, k -> new ArrayList<>(1));
        int i = position(m, e.id());
        if (i >= 0) {
            m.set(i, e);
        } else {
            m.add(-i - 1, e);
        }
    }

    private void leave(String key, Endpoint e) {
        List<Endpoint> m = members.get(key);
        if (m == null) {
            return;
        }
        int i = position(m, e.id());
        if (i >= 0) {
            m.remove(i);
        }
        if (m.isEmpty()) {
            members.remove(key);
        }
    }

    /** Binary search by id: the index, or -(insertion point) - 1. */
    private static int position(List<Endpoint> m, String id) {
        int low = 0;
        int high = m.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = m.get(mid).id().compareTo(id);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -low - 1;
    }
}
