package haystack.dns.internal.forward;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import haystack.api.metrics.MetricsWriter;
import haystack.api.metrics.MetricsWriter.Type;

/** What the forwarder sent, threw away and gave up on, for /metrics. */
final class ForwardMetrics {

    /** Why a forwarded question got no upstream answer. */
    enum Failure {
        /** No usable reply within the forward timeout. */
        TIMEOUT,
        /** Every attempt was answered with an error or could not be sent. */
        EXHAUSTED,
        /** Too many questions were already on their way upstream. */
        OVERLOADED,
        /** The forwarder was closed while the question was on its way. */
        CLOSED
    }

    private final Map<ReplyCheck.Verdict, LongAdder> discarded = new EnumMap<>(ReplyCheck.Verdict.class);
    private final Map<Failure, LongAdder> failures = new EnumMap<>(Failure.class);
    private final LongAdder udpQueries = new LongAdder();
    private final LongAdder tcpQueries = new LongAdder();
    private final LongAdder ownedDropped = new LongAdder();
    private final LongAdder outsideDropped = new LongAdder();

    ForwardMetrics() {
        for (ReplyCheck.Verdict v : ReplyCheck.Verdict.values()) {
            if (v != ReplyCheck.Verdict.MATCH) {
                discarded.put(v, new LongAdder());
            }
        }
        for (Failure f : Failure.values()) {
            failures.put(f, new LongAdder());
        }
    }

    void discarded(ReplyCheck.Verdict verdict) {
        discarded.get(verdict).increment();
    }

    void failed(Failure failure) {
        failures.get(failure).increment();
    }

    void sent(boolean tcp) {
        (tcp ? tcpQueries : udpQueries).increment();
    }

    void dropped(AnswerScope.Scoped scoped) {
        ownedDropped.add(scoped.ownedDropped());
        outsideDropped.add(scoped.outsideDropped());
    }

    void collect(MetricsWriter w) {
        w.family("haystack_dns_forward_queries_total", Type.COUNTER, "Queries sent to upstream name servers, by transport");
        w.sample("haystack_dns_forward_queries_total", udpQueries.sum(), "transport", "udp");
        w.sample("haystack_dns_forward_queries_total", tcpQueries.sum(), "transport", "tcp");
        w.family("haystack_dns_forward_discarded_total", Type.COUNTER,
                "Upstream messages discarded because they did not match the query sent, by reason");
        discarded.forEach((v, n) -> w.sample("haystack_dns_forward_discarded_total", n.sum(), "reason", v.label()));
        w.family("haystack_dns_forward_records_dropped_total", Type.COUNTER,
                "Upstream records neither relayed nor cached: for names Haystack owns, or outside the answer to the question");
        w.sample("haystack_dns_forward_records_dropped_total", ownedDropped.sum(), "reason", "owned");
        w.sample("haystack_dns_forward_records_dropped_total", outsideDropped.sum(), "reason", "outside_answer");
        w.family("haystack_dns_forward_failures_total", Type.COUNTER, "Forwarded questions answered SERVFAIL, by reason");
        failures.forEach((f, n) -> w.sample("haystack_dns_forward_failures_total", n.sum(), "reason",
                f.name().toLowerCase(java.util.Locale.ROOT)));
    }
}
