package haystack.dns.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import haystack.api.RegistrySnapshot;

/**
 * Encoded authoritative responses, valid for one registry snapshot and one zone table
 * (providers answer from the snapshot alone, so the same question then has the same
 * answer). The key is the whole query except its id, plus what else shapes the response
 * (transport, whether the client may recurse); a hit is a copy with the client's id. A
 * new snapshot or zone table starts an empty generation; a full generation takes no more
 * entries, so random names cannot grow it without bound.
 */
final class AnswerCache {

    private static final int CAPACITY = 20_000;
    private static final int MAX_QUERY = 512;

    private record Generation(RegistrySnapshot snapshot, ZoneTable zones, Map<Key, byte[]> answers) {
    }

    /** The query bytes after the id, with the flags that shape the response. */
    static final class Key {
        private final byte[] bytes;
        private final int hash;

        Key(ByteBuffer query, boolean tcp, boolean allowed) {
            int start = query.position() + 2;
            int length = query.limit() - start;
            bytes = new byte[length + 1];
            query.get(start, bytes, 0, length);
            bytes[length] = (byte) ((tcp ? 1 : 0) | (allowed ? 2 : 0));
            hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private volatile Generation generation = new Generation(null, null, new ConcurrentHashMap<>());

    /** A key for {@code query}, or null when it is too large to be worth caching. */
    static Key key(ByteBuffer query, boolean tcp, boolean allowed) {
        return query.remaining() > MAX_QUERY ? null : new Key(query, tcp, allowed);
    }

    /** The cached response for {@code key} with {@code id}, or null. */
    byte[] get(Key key, RegistrySnapshot snapshot, ZoneTable zones, byte id0, byte id1) {
        Generation g = generation;
        if (g.snapshot != snapshot || g.zones != zones) {
            return null;
        }
        byte[] cached = g.answers.get(key);
        if (cached == null) {
            return null;
        }
        byte[] out = cached.clone();
        out[0] = id0;
        out[1] = id1;
        return out;
    }

    void put(Key key, RegistrySnapshot snapshot, ZoneTable zones, byte[] response) {
        Generation g = generation;
        if (g.snapshot != snapshot || g.zones != zones) {
            g = new Generation(snapshot, zones, new ConcurrentHashMap<>());
            generation = g;
        }
        if (g.answers.size() < CAPACITY) {
            g.answers.put(key, response.clone());
        }
    }
}
