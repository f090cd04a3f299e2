package haystack.lb.internal;

import java.util.concurrent.atomic.AtomicInteger;

import haystack.api.trace.Tracer;

/** What every connection of the load balancer shares: limits, timeouts, the chooser, metrics and tracing. */
final class ProxyContext {

    final int connectTimeoutMs;
    final int idleTimeoutMs;
    final int headTimeoutMs;
    final RetryPolicy retry;
    final int maxHeadSize;
    final BackendChooser chooser;
    final RequestMetrics metrics;
    final Tracer tracer;
    /** This instance's name in Via (RFC 9110 §7.6.3), so a request routed back to it is seen as a loop. */
    final byte[] pseudonym;
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();

    ProxyContext(LbConfig config, BackendChooser chooser, RequestMetrics metrics, Tracer tracer) {
        this.connectTimeoutMs = config.connect_timeout();
        this.idleTimeoutMs = config.idle_timeout();
        this.headTimeoutMs = config.head_timeout();
        this.retry = new RetryPolicy(config.retries());
        this.maxHeadSize = config.max_header_size();
        this.maxConnections = config.max_connections();
        this.chooser = chooser;
        this.metrics = metrics;
        this.tracer = tracer;
        this.pseudonym = ("haystack-" + Long.toHexString(new java.security.SecureRandom().nextLong() >>> 16)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    String pseudonymText() {
        return new String(pseudonym, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Buffer size of every connection: a whole request head must fit. */
    int bufferSize() {
        return Math.max(16 * 1024, maxHeadSize + 1024);
    }

    /** Counts a new client connection; false (and nothing counted) at the limit. */
    boolean connectionOpened() {
        while (true) {
            int n = open.get();
            if (n >= maxConnections) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Counts a new client connection beyond the limit: one that takes an evicted idle connection's place. */
    void connectionOpenedInPlace() {
        open.incrementAndGet();
    }

    void connectionClosed() {
        open.decrementAndGet();
    }

    boolean belowLimit() {
        return open.get() < maxConnections;
    }

    int maxConnections() {
        return maxConnections;
    }
}
