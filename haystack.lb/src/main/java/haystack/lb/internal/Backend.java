package haystack.lb.internal;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

import haystack.api.Endpoint;
import io.undertow.client.UndertowClient;
import io.undertow.server.handlers.proxy.ConnectionPoolManager;
import io.undertow.server.handlers.proxy.ProxyConnectionPool;
import org.xnio.OptionMap;

/**
 * Runtime state of one endpoint: its keep-alive connection pool, requests in flight,
 * passive failure count and health verdicts. Outlives registry changes (same endpoint id)
 * so counters and pooled connections survive a routing-table rebuild.
 */
final class Backend implements ConnectionPoolManager {

    private final String id;
    private final ProxyConnectionPool pool;
    private final int maxConnections;
    private final long ttl;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile Endpoint endpoint;
    /** Ejected after too many consecutive failures; a successful probe re-admits. */
    private volatile boolean ejected;
    /** The endpoint's active check says it is down. */
    private volatile boolean checkDown;

    Backend(Endpoint endpoint, UndertowClient client, OptionMap options, int maxConnections, long ttl) {
        this.id = endpoint.id();
        this.endpoint = endpoint;
        this.maxConnections = maxConnections;
        this.ttl = ttl;
        String host = endpoint.isIpv6() ? "[" + endpoint.address().getHostAddress() + "]" : endpoint.address().getHostAddress();
        this.pool = new ProxyConnectionPool(this, URI.create("http://" + host + ":" + endpoint.port()), client, options);
    }

    String id() {
        return id;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    void update(Endpoint e) {
        endpoint = e;
    }

    ProxyConnectionPool pool() {
        return pool;
    }

    /** Whether new requests may go here: the registry allows it, no ejection, no failing check. */
    boolean takesTraffic() {
        return endpoint.isAvailable() && !ejected && !checkDown;
    }

    int active() {
        return active.get();
    }

    void requestStarted() {
        active.incrementAndGet();
    }

    void requestEnded() {
        active.decrementAndGet();
    }

    /** Counts a failure; returns true when this one ejects the endpoint. */
    boolean failed(int threshold) {
        if (failures.incrementAndGet() >= threshold && !ejected) {
            ejected = true;
            return true;
        }
        return false;
    }

    void succeeded() {
        if (failures.get() != 0) {
            failures.set(0);
        }
    }

    boolean ejected() {
        return ejected;
    }

    /** Re-admits an ejected endpoint; returns true if it was ejected. */
    boolean readmit() {
        failures.set(0);
        boolean was = ejected;
        ejected = false;
        return was;
    }

    boolean checkDown() {
        return checkDown;
    }

    void checkDown(boolean down) {
        checkDown = down;
    }

    void close() {
        try {
            pool.close();
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the I/O threads are already gone, and their connections with them
        }
    }

    // ConnectionPoolManager: Undertow's own problem-server handling is off; ejection is ours.

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public boolean handleError() {
        return true;
    }

    @Override
    public boolean clearError() {
        return true;
    }

    @Override
    public int getProblemServerRetry() {
        return -1;
    }

    @Override
    public int getMaxConnections() {
        return maxConnections;
    }

    @Override
    public int getMaxCachedConnections() {
        return maxConnections;
    }

    @Override
    public int getSMaxConnections() {
        return maxConnections;
    }

    @Override
    public long getTtl() {
        return ttl;
    }

    @Override
    public int getMaxQueueSize() {
        return maxConnections;
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
