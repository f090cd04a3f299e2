package haystack.lb.internal.proxy;

import java.util.concurrent.atomic.AtomicInteger;

import haystack.api.trace.Tracer;
import haystack.lb.internal.metrics.RequestMetrics;
import haystack.lb.internal.routing.BackendChooser;

/**
 * What every connection of the load balancer shares: limits, timeouts, the chooser,
 * metrics and tracing. The settings are swapped as a whole when the configuration
 * changes ({@link #apply}); each is read where it is used, so a change needs no restart.
 */
public final class ProxyContext {

    volatile int connectTimeoutMs;
    volatile int idleTimeoutMs;
    volatile int headTimeoutMs;
    volatile RetryPolicy retry;
    /** Fixed at start: buffers are sized from it. */
    final int maxHeadSize;
    final BackendChooser chooser;
    final RequestMetrics metrics;
    final Tracer tracer;
    /** This instance's name in Via (RFC 9110 §7.6.3), so a request routed back to it is seen as a loop. */
    final byte[] pseudonym;
    private volatile int maxConnections;
    private final AtomicInteger open = new AtomicInteger();

    public ProxyContext(int maxHeadSize, ProxySettings settings, BackendChooser chooser, RequestMetrics metrics, Tracer tracer) {
        this.maxHeadSize = maxHeadSize;
        this.chooser = chooser;
        this.metrics = metrics;
        this.tracer = tracer;
        this.pseudonym = ("haystack-" + Long.toHexString(new java.security.SecureRandom().nextLong() >>> 16)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        apply(settings);
    }

    /** Takes settings that apply while running; each connection reads them where it uses them. */
    public void apply(ProxySettings settings) {
        connectTimeoutMs = settings.connectTimeoutMs();
        idleTimeoutMs = settings.idleTimeoutMs();
        headTimeoutMs = settings.headTimeoutMs();
        retry = new RetryPolicy(settings.retries());
        maxConnections = settings.maxConnections();
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

    public int openConnections() {
        return open.get();
    }

    boolean belowLimit() {
        return open.get() < maxConnections;
    }

    int maxConnections() {
        return maxConnections;
    }
}
