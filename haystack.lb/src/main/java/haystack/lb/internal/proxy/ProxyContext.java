package haystack.lb.internal.proxy;


import haystack.api.trace.Tracer;
import haystack.lb.internal.io.ConnectionLimit;
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
    /** Client connections of every listener, HTTP and TCP. */
    public final ConnectionLimit limit;

    public ProxyContext(int maxHeadSize, ProxySettings settings, BackendChooser chooser, RequestMetrics metrics, Tracer tracer) {
        this.maxHeadSize = maxHeadSize;
        this.chooser = chooser;
        this.metrics = metrics;
        this.tracer = tracer;
        this.limit = new ConnectionLimit(settings.maxConnections());
        this.pseudonym = ("haystack-" + Long.toHexString(new java.security.SecureRandom().nextLong() >>> 16)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        apply(settings);
    }

    /** Takes settings that apply while running; each connection reads them where it uses them. */
    public void apply(ProxySettings settings) {
        connectTimeoutMs = settings.connectTimeoutMs();
        idleTimeoutMs = settings.idleTimeoutMs();
        headTimeoutMs = settings.headTimeoutMs();
        retry = new RetryPolicy(settings.retries());
        limit.max(settings.maxConnections());
    }

    String pseudonymText() {
        return new String(pseudonym, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Buffer size of every connection: a whole request head must fit. */
    public int bufferSize() {
        return Math.max(16 * 1024, maxHeadSize + 1024);
    }

    void connectionClosed() {
        limit.closed();
    }

    public int openConnections() {
        return limit.open();
    }
}
