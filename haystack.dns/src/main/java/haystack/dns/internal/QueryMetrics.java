package haystack.dns.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

import haystack.api.metrics.Histogram;
import haystack.api.metrics.MetricsSource;
import haystack.api.metrics.MetricsWriter;
import haystack.api.metrics.MetricsWriter.Type;
import org.xbill.DNS.Rcode;

/**
 * Counts answered queries by question type and response code, and times them from arrival
 * to answer (forwarded ones included). The type is read from the wire without parsing the
 * message; uncommon types share the label {@code other}, so the label set stays small.
 */
final class QueryMetrics implements MetricsSource {

    /** The question types counted by name; the rest share "other". */
    private static final int[] NAMED = { org.xbill.DNS.Type.A, org.xbill.DNS.Type.AAAA, org.xbill.DNS.Type.SRV,
            org.xbill.DNS.Type.PTR, org.xbill.DNS.Type.TXT, org.xbill.DNS.Type.NS, org.xbill.DNS.Type.SOA, org.xbill.DNS.Type.CNAME,
            org.xbill.DNS.Type.MX, org.xbill.DNS.Type.ANY, org.xbill.DNS.Type.HTTPS, org.xbill.DNS.Type.SVCB, org.xbill.DNS.Type.CAA,
            org.xbill.DNS.Type.DS, org.xbill.DNS.Type.DNSKEY };
    /** Slot of a question that could not be read; slot 0 is "other", 1.. the named types in order. */
    private static final int NONE = NAMED.length + 1;

    /** By slot * 16 + rcode: every counter made up front, so counting a query allocates nothing. */
    private final LongAdder[] queries = new LongAdder[(NONE + 1) * 16];
    private final Histogram duration = new Histogram();

    QueryMetrics() {
        for (int i = 0; i < queries.length; i++) {
            queries[i] = new LongAdder();
        }
    }

    /** {@code reply}, counting the answer it is given. */
    Reply wrap(ByteBuffer query, Reply reply) {
        long start = System.nanoTime();
        int slot = questionSlot(query);
        return new Reply() {
            @Override
            public void send(byte[] response) {
                reply.send(response);
                count(slot, response, start);
            }

            @Override
            public void sendShared(byte[] shared, byte id0, byte id1) {
                reply.sendShared(shared, id0, id1);
                count(slot, shared, start);
            }
        };
    }

    private void count(int slot, byte[] response, long start) {
        int rcode = slot == NONE ? Rcode.FORMERR : response.length >= 4 ? response[3] & 0x0F : Rcode.SERVFAIL;
        queries[slot * 16 + rcode].increment();
        duration.observeNanos(System.nanoTime() - start);
    }

    /** The question type's slot: 1.. for a named type, 0 for an uncommon one, {@link #NONE} when there is no readable question. */
    static int questionSlot(ByteBuffer query) {
        int p = query.position() + 12;
        int end = query.limit();
        for (int labels = 0; p < end && labels < 128; labels++) {
            int len = query.get(p) & 0xFF;
            if (len == 0) {
                p++;
                break;
            }
            if ((len & 0xC0) != 0) {
                p += 2;
                break;
            }
            p += len + 1;
        }
        if (p + 2 > end) {
            return NONE;
        }
        int type = (query.get(p) & 0xFF) << 8 | (query.get(p + 1) & 0xFF);
        for (int i = 0; i < NAMED.length; i++) {
            if (NAMED[i] == type) {
                return i + 1;
            }
        }
        return 0;
    }

    @Override
    public void collect(MetricsWriter w) {
        w.family("haystack_dns_queries_total", Type.COUNTER, "DNS queries answered, by question type and response code");
        for (int i = 0; i < queries.length; i++) {
            long n = queries[i].sum();
            if (n == 0) {
                continue;
            }
            int slot = i >> 4;
            String type = slot == NONE ? "none" : slot == 0 ? "other" : org.xbill.DNS.Type.string(NAMED[slot - 1]);
            w.sample("haystack_dns_queries_total", n, "type", type, "rcode", Rcode.string(i & 0x0F));
        }
        w.family("haystack_dns_query_duration_seconds", Type.HISTOGRAM, "Time from a query's arrival to its answer");
        duration.write(w, "haystack_dns_query_duration_seconds");
    }
}
