package haystack.dns.internal;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

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

    private static final Set<Integer> NAMED = Set.of(org.xbill.DNS.Type.A, org.xbill.DNS.Type.AAAA, org.xbill.DNS.Type.SRV,
            org.xbill.DNS.Type.PTR, org.xbill.DNS.Type.TXT, org.xbill.DNS.Type.NS, org.xbill.DNS.Type.SOA, org.xbill.DNS.Type.CNAME,
            org.xbill.DNS.Type.MX, org.xbill.DNS.Type.ANY, org.xbill.DNS.Type.HTTPS, org.xbill.DNS.Type.SVCB, org.xbill.DNS.Type.CAA,
            org.xbill.DNS.Type.DS, org.xbill.DNS.Type.DNSKEY);
    /** Key for a question that could not be read. */
    private static final int NONE = -1;

    /** By (question type << 4 | rcode); type 0 stands for "other". */
    private final Map<Integer, LongAdder> queries = new ConcurrentHashMap<>();
    private final Histogram duration = new Histogram();

    /** {@code reply}, counting the answer it is given. */
    Consumer<byte[]> wrap(ByteBuffer query, Consumer<byte[]> reply) {
        long start = System.nanoTime();
        int type = questionType(query);
        return response -> {
            reply.accept(response);
            int rcode = response.length >= 4 ? response[3] & 0x0F : Rcode.SERVFAIL;
            int key = type == NONE ? NONE : type << 4 | rcode;
            LongAdder n = queries.get(key);
            if (n == null) {
                n = queries.computeIfAbsent(key, k -> new LongAdder());
            }
            n.increment();
            duration.observeNanos(System.nanoTime() - start);
        };
    }

    /** The question's type, 0 for an uncommon one, {@link #NONE} when there is no readable question. */
    static int questionType(ByteBuffer query) {
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
        return NAMED.contains(type) ? type : 0;
    }

    @Override
    public void collect(MetricsWriter w) {
        w.family("haystack_dns_queries_total", Type.COUNTER, "DNS queries answered, by question type and response code");
        queries.forEach((key, n) -> {
            String type = key == NONE ? "none" : (key >> 4) == 0 ? "other" : org.xbill.DNS.Type.string(key >> 4);
            String rcode = key == NONE ? "FORMERR" : Rcode.string(key & 0x0F);
            w.sample("haystack_dns_queries_total", n.sum(), "type", type, "rcode", rcode);
        });
        w.family("haystack_dns_query_duration_seconds", Type.HISTOGRAM, "Time from a query's arrival to its answer");
        duration.write(w, "haystack_dns_query_duration_seconds");
    }
}
