package haystack.dns.internal.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import haystack.api.metrics.MetricsWriter;
import haystack.dns.internal.ThrottledWarning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Sends questions Haystack does not own to the upstreams (SPEC §4) and hands back only the
 * answer to the question: replies are matched to their query ({@link ReplyCheck}), re-sent
 * and moved to the next upstream on silence ({@link RetrySchedule}), retried over TCP
 * when truncated ({@link UpstreamExchange}), and cut to the answer ({@link AnswerScope})
 * before they are cached for their TTLs or relayed. All upstream I/O runs on one
 * {@link ForwardLoop} thread, so no worker waits; concurrent askers of one question share
 * one exchange; a bounded number of exchanges run at once.
 */
public final class Forwarder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final int CACHE_ENTRIES = 10_000;
    /** Exchanges on their way at once (dnsmasq's dns-forward-max is 150, unbound's 1024 per thread). */
    static final int MAX_IN_FLIGHT = 1024;

    private final List<InetSocketAddress> upstreams;
    private final long timeoutMillis;
    private final RetrySchedule schedule;
    private final Predicate<Name> owned;
    private final ForwardCache cache = new ForwardCache(CACHE_ENTRIES);
    private final ForwardMetrics metrics = new ForwardMetrics();
    private final ThrottledWarning failures = new ThrottledWarning(LOG, "dns forward failed", 10_000);
    private final SecureRandom random = new SecureRandom();
    /** Questions on their way upstream: a burst of one question sends it once. */
    private final Map<String, CompletableFuture<Message>> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger exchanges = new AtomicInteger();
    private final int maxInFlight;
    /** Index of the upstream that answered last: the next question goes there first. */
    private volatile int preferred;
    private ForwardLoop loop;

    /** A forwarder that trusts upstreams with every name (tests of the transport alone). */
    public Forwarder(List<InetSocketAddress> upstreams, long timeoutMillis) {
        this(upstreams, timeoutMillis, name -> false);
    }

    /** {@code owned} says which names are Haystack's: records for them are never taken from an upstream. */
    public Forwarder(List<InetSocketAddress> upstreams, long timeoutMillis, Predicate<Name> owned) {
        this(upstreams, timeoutMillis, owned, MAX_IN_FLIGHT);
    }

    Forwarder(List<InetSocketAddress> upstreams, long timeoutMillis, Predicate<Name> owned, int maxInFlight) {
        this.maxInFlight = maxInFlight;
        this.upstreams = List.copyOf(upstreams);
        this.timeoutMillis = timeoutMillis;
        this.schedule = RetrySchedule.of(timeoutMillis, Math.max(1, upstreams.size()));
        this.owned = owned;
    }

    public boolean hasUpstreams() {
        return !upstreams.isEmpty();
    }

    public List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    /** The upstreams' answer to {@code question}; fails when none answers usably within the forward timeout. */
    public CompletionStage<Message> resolve(Record question, boolean checkingDisabled) {
        if (upstreams.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("no upstream name servers"));
        }
        // CD answers (unvalidated, RFC 4035 §3.2.2) are kept apart from the others.
        String key = checkingDisabled ? ForwardCache.key(question) + "/cd" : ForwardCache.key(question);
        Message cached = cache.get(key, System.nanoTime());
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        CompletableFuture<Message> pending = inFlight.get(key);
        if (pending != null) {
            return pending;
        }
        CompletableFuture<Message> mine = new CompletableFuture<>();
        pending = inFlight.putIfAbsent(key, mine);
        if (pending != null) {
            return pending;
        }
        exchange(question, checkingDisabled).whenComplete((reply, failure) -> {
            Message answer = null;
            Throwable error = failure;
            try {
                if (failure == null) {
                    AnswerScope.Scoped scoped = AnswerScope.scope(reply, question, owned);
                    metrics.dropped(scoped);
                    answer = scoped.message();
                    cache.put(key, answer, System.nanoTime());
                } else {
                    failed(question, failure);
                }
            } catch (RuntimeException e) {
                LOG.warn("dns forward reply unusable question={} error={}", question.getName(), e.toString());
                answer = null;
                error = e;
            } finally {
                inFlight.remove(key, mine);
            }
            if (answer != null) {
                mine.complete(answer);
            } else {
                mine.completeExceptionally(error);
            }
        });
        return mine;
    }

    /** Starts one exchange on the loop; its result completes on the loop thread. */
    private CompletableFuture<Message> exchange(Record question, boolean checkingDisabled) {
        if (exchanges.incrementAndGet() > maxInFlight) {
            exchanges.decrementAndGet();
            return CompletableFuture.failedFuture(new UpstreamExchange.Failed(ForwardMetrics.Failure.OVERLOADED,
                    maxInFlight + " questions already on their way upstream"));
        }
        ForwardLoop l;
        try {
            l = loop();
        } catch (IOException e) {
            exchanges.decrementAndGet();
            return CompletableFuture.failedFuture(e);
        }
        UpstreamExchange exchange = new UpstreamExchange(l, question, checkingDisabled, upstreams, schedule, metrics, random,
                preferred, this::answeredBy);
        CompletableFuture<Message> result = exchange.result;
        result.whenComplete((r, f) -> exchanges.decrementAndGet());
        if (!l.execute(() -> exchange.start(System.nanoTime()))) {
            result.completeExceptionally(new UpstreamExchange.Failed(ForwardMetrics.Failure.CLOSED, "forwarder closed"));
        }
        // The loop ends every exchange by its deadline; this bounds the wait even if the loop dies.
        return result.orTimeout(timeoutMillis + 1000, TimeUnit.MILLISECONDS);
    }

    private void answeredBy(InetSocketAddress upstream) {
        int i = upstreams.indexOf(upstream);
        if (i >= 0) {
            preferred = i;
        }
    }

    private synchronized ForwardLoop loop() throws IOException {
        if (loop == null || loop.isClosed()) {
            loop = new ForwardLoop();
        }
        return loop;
    }

    /** One warning per interval at most, with the count: a dead upstream must not flood the log. */
    private void failed(Record question, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        metrics.failed(cause instanceof UpstreamExchange.Failed f ? f.reason : ForwardMetrics.Failure.TIMEOUT);
        failures.record("question=" + question.getName() + " upstreams=" + upstreams + " error="
                + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), System.nanoTime());
    }

    /** Queries sent, replies discarded, records dropped and failures, for /metrics. */
    public void collect(MetricsWriter writer) {
        metrics.collect(writer);
    }

    /** Stops upstream I/O; questions on their way fail. A later question opens a new loop. */
    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.close();
            loop = null;
        }
    }

    int cacheSize() {
        return cache.size();
    }
}
