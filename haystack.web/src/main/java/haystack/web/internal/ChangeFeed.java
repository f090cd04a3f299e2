package haystack.web.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import haystack.api.Endpoint;
import haystack.api.RegistryChange;

/**
 * The last registry changes, one entry per endpoint added, removed or updated, numbered so
 * a client asks only for what it has not seen (/api/changes); the initial synchronisation
 * is one {@code sync} entry. Bounded; oldest entries drop first.
 */
final class ChangeFeed {

    record Entry(long seq, long time, String kind, String service, String container, String endpoint, String health, boolean draining) {
    }

    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private long seq;

    ChangeFeed(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("changes.kept is " + capacity + "; allowed: 1 or more");
        }
        this.capacity = capacity;
    }

    synchronized void record(RegistryChange change, long now) {
        if (RegistryEvents.isSync(change)) {
            // the initial synchronisation (after a restart): what exists, not what changed
            if (!change.isEmpty()) {
                add(now, "sync", "", "", change.current().size() + " endpoints", "", false);
            }
            return;
        }
        change.added().forEach(e -> add(now, "added", e));
        change.removed().forEach(e -> add(now, "removed", e));
        change.updated().forEach(e -> add(now, "updated", e));
    }

    private void add(long now, String kind, Endpoint e) {
        add(now, kind, e.qualifiedName(), e.containerName(), address(e), e.health().label(), e.draining());
    }

    private void add(long now, String kind, String service, String container, String endpoint, String health, boolean draining) {
        entries.addLast(new Entry(++seq, now, kind, service, container, endpoint, health, draining));
        while (entries.size() > capacity) {
            entries.removeFirst();
        }
    }

    /** Entries numbered above {@code since}, oldest first. */
    synchronized List<Entry> since(long since) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.seq() > since) {
                out.add(e);
            }
        }
        return out;
    }

    static String address(Endpoint e) {
        String a = e.address().getHostAddress();
        return (e.isIpv6() ? "[" + a + "]" : a) + ":" + e.port() + "/" + e.protocol().label();
    }
}
