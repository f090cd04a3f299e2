package haystack.dns.internal.forward;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;

/**
 * Sends questions Haystack does not own to the upstreams, asynchronously (dnsjava's NIO
 * client: no worker waits), retrying over TCP when a UDP answer is truncated, trying the
 * next upstream on a timeout, and giving up after a bounded wait so the caller can answer
 * SERVFAIL. Answers are cached for their TTLs; concurrent askers of one question share
 * one upstream query.
 */
public final class Forwarder {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final int CACHE_ENTRIES = 10_000;
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;

    private final List<InetSocketAddress> upstreams;
    private final Resolver resolver;
    private final long timeoutMillis;
    private final ForwardCache cache = new ForwardCache(CACHE_ENTRIES);
    /** Questions on their way upstream: a burst of one question sends it once. */
    private final Map<String, CompletableFuture<Message>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastWarn = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    public Forwarder(List<InetSocketAddress> upstreams, long timeoutMillis) {
        this.upstreams = List.copyOf(upstreams);
        this.timeoutMillis = timeoutMillis;
        List<Resolver> resolvers = new ArrayList<>();
        for (InetSocketAddress upstream : upstreams) {
            SimpleResolver r = new SimpleResolver(upstream);
            r.setTimeout(Duration.ofMillis(Math.max(100, timeoutMillis / Math.max(1, upstreams.size()))));
            r.setEDNS(0, 1232, 0, List.of());
            resolvers.add(r);
        }
        ExtendedResolver extended = new ExtendedResolver(resolvers);
        extended.setLoadBalance(false);
        extended.setRetries(1);
        extended.setTimeout(Duration.ofMillis(timeoutMillis));
        this.resolver = extended;
    }

    public boolean hasUpstreams() {
        return !upstreams.isEmpty();
    }

    public List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    /** The upstreams' answer to {@code question}; fails when none answers within the bounded wait. */
    public CompletionStage<Message> resolve(Record question, boolean checkingDisabled) {
        if (upstreams.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("no upstream name servers"));
        }
        String key = ForwardCache.key(question);
        Message cached = cache.get(key, System.nanoTime());
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        String flightKey = checkingDisabled ? key + "/cd" : key;
        CompletableFuture<Message> pending = inFlight.get(flightKey);
        if (pending != null) {
            return pending;
        }
        CompletableFuture<Message> mine = new CompletableFuture<>();
        pending = inFlight.putIfAbsent(flightKey, mine);
        if (pending != null) {
            return pending;
        }
        Message query = Message.newQuery(question);
        if (checkingDisabled) {
            query.getHeader().setFlag(Flags.CD);
        }
        resolver.sendAsync(query).toCompletableFuture()
                .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        failed(key, failure);
                    } else {
                        cache.put(key, response, System.nanoTime());
                    }
                    inFlight.remove(flightKey, mine);
                    if (failure != null) {
                        mine.completeExceptionally(failure);
                    } else {
                        mine.complete(response);
                    }
                });
        return mine;
    }

    /** One warning per interval at most, with the count: a dead upstream must not flood the log. */
    private void failed(String question, Throwable failure) {
        long count = failures.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarn.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarn.compareAndSet(last, now)) {
            LOG.warn("dns forward failed question={} upstreams={} failures={} error={}", question, upstreams, count,
                    failure.toString());
        } else {
            LOG.debug("dns forward failed question={} error={}", question, failure.toString());
        }
    }

    int cacheSize() {
        return cache.size();
    }
}
