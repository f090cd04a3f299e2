package haystack.dns.internal.forward;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Upstream answers kept for their TTL: positive answers for the smallest TTL of their
 * records (RFC 2181 §5.2), NXDOMAIN and NODATA for the SOA's negative TTL, the smaller of
 * its TTL and MINIMUM (RFC 2308 §5); negative answers without SOA are not cached. Hits
 * come back with their TTLs counted down. Bounded: when full, expired entries go first,
 * and a new entry is dropped if nothing has expired.
 */
final class ForwardCache {

    static final long MAX_TTL = 86400;

    private static final class Entry {
        final Message message;
        /** Kept apart: Message.getRcode() scans the additional section for an OPT on every call. */
        final int rcode;
        final long storedNanos;
        final long expiresNanos;
        /** The records with TTLs counted down for one age in seconds: rebuilt once a second, not per hit. */
        volatile Aged aged;

        Entry(Message message, long storedNanos, long expiresNanos) {
            this.message = message;
            this.rcode = message.getRcode();
            this.storedNanos = storedNanos;
            this.expiresNanos = expiresNanos;
        }
    }

    private record Aged(long age, List<List<Record>> sections) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final int capacity;

    ForwardCache(int capacity) {
        this.capacity = capacity;
    }

    static String key(Record question) {
        return question.getName().toString().toLowerCase(java.util.Locale.ROOT) + "/" + question.getType() + "/" + question.getDClass();
    }

    /** The cached answer, TTLs reduced by its age, or null. */
    Message get(String key, long nowNanos) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (nowNanos - e.expiresNanos >= 0) {
            entries.remove(key, e);
            return null;
        }
        long age = (nowNanos - e.storedNanos) / 1_000_000_000L;
        Aged aged = e.aged;
        if (aged == null || aged.age() != age) {
            aged = aged(e.message, age);
            e.aged = aged;
        }
        Message copy = new Message(e.message.getHeader().getID());
        copy.getHeader().setRcode(e.rcode);
        for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
            for (Record r : aged.sections().get(section - Section.ANSWER)) {
                copy.addRecord(r, section);
            }
        }
        return copy;
    }

    private static Aged aged(Message message, long age) {
        List<List<Record>> sections = new ArrayList<>();
        for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
            List<Record> records = new ArrayList<>();
            for (Record r : message.getSection(section)) {
                records.add(Record.newRecord(r.getName(), r.getType(), r.getDClass(), Math.max(0, r.getTTL() - age),
                        r.rdataToWireCanonical()));
            }
            sections.add(List.copyOf(records));
        }
        return new Aged(age, List.copyOf(sections));
    }

    void put(String key, Message response, long nowNanos) {
        long ttl = ttl(response);
        if (ttl <= 0) {
            return;
        }
        if (entries.size() >= capacity) {
            evictExpired(nowNanos);
            if (entries.size() >= capacity) {
                return;
            }
        }
        entries.put(key, new Entry(response, nowNanos, nowNanos + ttl * 1_000_000_000L));
    }

    /** How long {@code response} may be cached, in seconds; 0 when it may not. */
    static long ttl(Message response) {
        int rcode = response.getRcode();
        if (response.getHeader().getFlag(org.xbill.DNS.Flags.TC) || (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN)) {
            return 0;
        }
        if (rcode == Rcode.NOERROR && !response.getSection(Section.ANSWER).isEmpty()) {
            long min = MAX_TTL;
            for (Record r : response.getSection(Section.ANSWER)) {
                min = Math.min(min, r.getTTL());
            }
            return min;
        }
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r.getType() == Type.SOA) {
                return Math.min(MAX_TTL, Math.min(r.getTTL(), ((SOARecord) r).getMinimum()));
            }
        }
        return 0;
    }

    private void evictExpired(long nowNanos) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            if (nowNanos - it.next().expiresNanos >= 0) {
                it.remove();
            }
        }
    }

    int size() {
        return entries.size();
    }
}
