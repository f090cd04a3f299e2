package haystack.registry.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import haystack.api.Endpoint;

/**
 * One source's endpoints, edited in place under the registry's write lock (readers never
 * see this: they see snapshots). An edit remembers what each endpoint it touches was
 * before, so the change it makes is found by looking at those alone, not by comparing a
 * copy of the whole source: a container event costs its own endpoints, whatever the
 * source holds.
 */
final class SourceEndpoints {

    private final Map<String, Endpoint> byId = new HashMap<>();
    /** Endpoint ids of each container, for replacing one container without looking at the others. */
    private final Map<String, Set<String>> byContainer = new HashMap<>();
    /** Ids touched by the edit under way, with what they were before it (null: absent). */
    private final Map<String, Endpoint> before = new LinkedHashMap<>();

    void put(Endpoint e) {
        Endpoint kept = sameAsBefore(e);
        Endpoint old = byId.put(kept.id(), kept);
        remember(kept.id(), old);
        if (old != null && !old.containerId().equals(kept.containerId())) {
            unindex(old);
        }
        byContainer.computeIfAbsent(kept.containerId(), c -> new HashSet<>()).add(kept.id());
    }

    /**
     * The endpoint this source already held for {@code e}'s id when it equals {@code e}
     * (every field: the id holds source, container, network, address, port and protocol),
     * else {@code e}. A source republishing a container whose endpoints mostly did not
     * change (a service file rewritten) then keeps one object per endpoint, the one the
     * snapshots hold: the copies die young instead of piling up in the old generation.
     */
    private Endpoint sameAsBefore(Endpoint e) {
        Endpoint held = byId.containsKey(e.id()) ? byId.get(e.id()) : before.get(e.id());
        return held != null && held.equals(e) ? held : e;
    }

    void remove(String id) {
        Endpoint old = byId.remove(id);
        if (old != null) {
            remember(id, old);
            unindex(old);
        }
    }

    void removeContainer(String containerId) {
        Set<String> ids = byContainer.get(containerId);
        if (ids != null) {
            List.copyOf(ids).forEach(this::remove);
        }
    }

    void clear() {
        List.copyOf(byId.keySet()).forEach(this::remove);
    }

    Endpoint get(String id) {
        return byId.get(id);
    }

    Collection<Endpoint> all() {
        return byId.values();
    }

    /**
     * Ends the edit under way: each touched id with what it was before (null: added) and
     * is now (null: removed); ids that ended as they began are left out.
     */
    void endEdit(Changed changed) {
        try {
            before.forEach((id, old) -> {
                Endpoint now = byId.get(id);
                if (old != now && (old == null || !old.equals(now))) {
                    changed.accept(old, now);
                }
            });
        } finally {
            before.clear();
        }
    }

    /** Forgets an edit that failed half way: puts back what its touched ids were. */
    void undoEdit() {
        Map<String, Endpoint> undo = new LinkedHashMap<>(before);
        before.clear();
        undo.forEach((id, old) -> {
            Endpoint now = byId.remove(id);
            if (now != null) {
                unindex(now);
            }
            if (old != null) {
                byId.put(id, old);
                byContainer.computeIfAbsent(old.containerId(), c -> new HashSet<>()).add(id);
            }
        });
        before.clear();
    }

    interface Changed {
        void accept(Endpoint old, Endpoint now);
    }

    private void remember(String id, Endpoint old) {
        if (!before.containsKey(id)) { // putIfAbsent would take a remembered null (absent) for no entry
            before.put(id, old);
        }
    }

    private void unindex(Endpoint old) {
        Set<String> ids = byContainer.get(old.containerId());
        if (ids != null) {
            ids.remove(old.id());
            if (ids.isEmpty()) {
                byContainer.remove(old.containerId());
            }
        }
    }
}
