package haystack.dns.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import haystack.api.RegistrySnapshot;
import haystack.api.zone.ZoneAnswer;
import haystack.dns.internal.zones.NameChanges;

/**
 * Encoded authoritative responses, kept across registry changes. The key is the whole
 * query except its id, plus what else shapes the response (transport, whether the client
 * may recurse); a hit is sent with the client's id by {@link Reply#sendShared}. An entry
 * holds for the snapshot it was made or last checked at; for a later snapshot it is
 * checked once: it still holds
 * when every name it was made from (the question's and the additional section's targets)
 * has the same answer as then. For names of Haystack's own zones that costs no lookup:
 * the zones are brought to the snapshot (once per zone, not per name) and each name's
 * mark in its zone's {@link NameChanges} must be older than the entry. Names of other providers are
 * looked up again and must have the same {@link ZoneAnswer} instance, which the zones
 * keep while a name's records do not change. An answer carrying the zone's SOA (its serial is the registry
 * version) or a failure holds for its own snapshot only. A full cache starts over, so
 * random names cannot grow it without bound.
 */
final class AnswerCache {

    static final int CAPACITY = 32_768;
    private static final int MAX_QUERY = 512;

    /** The query bytes after the id, with the flags that shape the response. */
    static final class Key {
        private byte[] bytes;
        private int length;
        private int hash;

        private Key(int capacity) {
            bytes = new byte[capacity];
        }

        /** Fills this key from {@code query}; a probe is filled again for every query of its thread. */
        private Key fill(ByteBuffer query, boolean tcp, boolean allowed) {
            int start = query.position() + 2;
            int n = query.limit() - start;
            query.get(start, bytes, 0, n);
            bytes[n] = (byte) ((tcp ? 1 : 0) | (allowed ? 2 : 0));
            length = n + 1;
            int h = 1;
            for (int i = 0; i < length; i++) {
                h = 31 * h + bytes[i];
            }
            hash = h;
            return this;
        }

        /** A key of its own, for storing: the probe's bytes are overwritten by the next query. */
        Key copy() {
            Key k = new Key(0);
            k.bytes = Arrays.copyOf(bytes, length);
            k.length = length;
            k.hash = hash;
            return k;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, 0, k.length, bytes, 0, length);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * What an encoded response was made from: the names looked up (the question's first)
     * and the answers they had, or null for a name that had none; {@code ownSnapshotOnly}
     * when it holds for one snapshot only.
     */
    record Basis(String[] names, ZoneAnswer[] answers, boolean ownSnapshotOnly) {
    }

    /** Checks whether the names of a basis still have the answers it records. */
    interface Check {
        ZoneAnswer answer(String name, RegistrySnapshot snapshot, ZoneTable zones);

        /** Brings the tracked zones of {@code zones} to {@code snapshot}; nothing to do where no zone is tracked. */
        default void advance(RegistrySnapshot snapshot, ZoneTable zones) {
        }
    }

    private static final class Entry {
        final byte[] wire;
        final ZoneTable zones;
        final Basis basis;
        /** The {@link NameChanges} clock read before the basis was looked up. */
        final long since;
        /** Per name of the basis: the marks of its zone, or null when it must be looked up again (its zone marks no changes). */
        final NameChanges[] marks;
        /** Per name of the basis with marks: its own mark. */
        final NameChanges.Mark[] cells;
        /** The last snapshot this entry was found to hold for. */
        volatile RegistrySnapshot validAt;

        Entry(byte[] wire, ZoneTable zones, Basis basis, long since, NameChanges[] marks, NameChanges.Mark[] cells, RegistrySnapshot validAt) {
            this.wire = wire;
            this.zones = zones;
            this.basis = basis;
            this.since = since;
            this.marks = marks;
            this.cells = cells;
            this.validAt = validAt;
        }
    }

    private static final ThreadLocal<Key> PROBES = ThreadLocal.withInitial(() -> new Key(MAX_QUERY + 1));

    private final Map<Key, Entry> answers = new ConcurrentHashMap<>();
    private final Check check;

    AnswerCache(Check check) {
        this.check = check;
    }

    /** A probe of its own for one thread that answers queries one after another (a UDP worker). */
    static Key probe() {
        return new Key(MAX_QUERY + 1);
    }

    /**
     * The key of {@code query} in {@code probe}, or this thread's when null (valid until the
     * probe's next query), or null when the query is too large to be worth caching.
     */
    static Key key(ByteBuffer query, boolean tcp, boolean allowed, Key probe) {
        int remaining = query.remaining();
        if (remaining > MAX_QUERY || remaining < 2) {
            return null;
        }
        return (probe != null ? probe : PROBES.get()).fill(query, tcp, allowed);
    }

    /**
     * The cached response for {@code key}, or null when there is none that holds. Shared by
     * every query that asks the same: it carries the id of the query it was made for, and
     * must not be changed ({@link Reply#sendShared} puts each query's own id in a copy).
     */
    byte[] get(Key key, RegistrySnapshot snapshot, ZoneTable zones) {
        Entry e = answers.get(key);
        return e == null || e.zones != zones || !holds(e, snapshot, zones) ? null : e.wire;
    }

    private boolean holds(Entry e, RegistrySnapshot snapshot, ZoneTable zones) {
        if (e.validAt == snapshot) {
            return true;
        }
        if (e.basis.ownSnapshotOnly()) {
            return false;
        }
        String[] names = e.basis.names();
        ZoneAnswer[] was = e.basis.answers();
        check.advance(snapshot, zones);
        for (int i = 0; i < names.length; i++) {
            NameChanges marks = e.marks[i];
            if (marks == null ? check.answer(names[i], snapshot, zones) != was[i] : !marks.unchangedSince(e.cells[i], e.since)) {
                return false;
            }
        }
        e.validAt = snapshot;
        return true;
    }

    /** Stores {@code response}, made at {@code snapshot} from {@code basis} looked up after {@link NameChanges#now()} was {@code since}. */
    void put(Key key, RegistrySnapshot snapshot, ZoneTable zones, byte[] response, Basis basis, long since) {
        if (answers.size() >= CAPACITY) {
            answers.clear();
        }
        String[] names = basis.names();
        // an answer for its own snapshot only (NXDOMAIN, the apex) is never checked: random
        // names asked for must not each get a mark
        int checked = basis.ownSnapshotOnly() ? 0 : names.length;
        NameChanges[] marks = new NameChanges[checked];
        NameChanges.Mark[] cells = new NameChanges.Mark[checked];
        for (int i = 0; i < checked; i++) {
            marks[i] = zones.changes(names[i]);
            cells[i] = marks[i] == null ? null : marks[i].mark(names[i]);
        }
        answers.put(key.copy(), new Entry(response.clone(), zones, basis, since, marks, cells, snapshot));
    }

    int size() {
        return answers.size();
    }
}
