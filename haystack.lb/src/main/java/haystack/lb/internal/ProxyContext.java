package haystack.lb.internal;

import java.util.concurrent.atomic.AtomicInteger;

import haystack.api.trace.Tracer;

/** What every connection of the load balancer shares: limits, timeouts, the chooser, metrics and tracing. */
final class ProxyContext {

    final int connectTimeoutMs;
    final int idleTimeoutMs;
    final int retries;
    final int maxHeadSize;
    final BackendChooser chooser;
    final RequestMetrics metrics;
    final Tracer tracer;
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();

    ProxyContext(LbConfig config, BackendChooser chooser, RequestMetrics metrics, Tracer tracer) {
        this.connectTimeoutMs = config.connect_timeout();
        this.idleTimeoutMs = config.idle_timeout();
        this.retries = config.retries();
        this.maxHeadSize = config.max_header_size();
        this.maxConnections = config.max_connections();
        this.chooser = chooser;
        this.metrics = metrics;
        this.tracer = tracer;
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
