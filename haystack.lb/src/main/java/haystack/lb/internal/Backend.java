package haystack.lb.internal;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

import haystack.api.Endpoint;

/**
 * Runtime state of one endpoint: its idle keep-alive connections (one stack per event
 * loop, touched only by that loop), requests in flight, passive failure count and health
 * verdicts. Outlives registry changes (same endpoint id) so counters and pooled
 * connections survive a routing-table rebuild.
 */
final class Backend {

    private final String id;
    private final InetSocketAddress address;
    private final String authority;
    private final ArrayDeque<BackendConnection>[] idle;
    private final EventLoop[] loops;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile Endpoint endpoint;
    /** Ejected after too many consecutive failures; a successful probe re-admits. */
    private volatile boolean ejected;
    /** The endpoint's active check says it is down. */
    private volatile boolean checkDown;
    private volatile boolean closed;

    @SuppressWarnings("unchecked")
    Backend(Endpoint endpoint, EventLoop[] loops) {
        this.id = endpoint.id();
        this.endpoint = endpoint;
        this.address = new InetSocketAddress(endpoint.address(), endpoint.port());
        String host = endpoint.isIpv6() ? "[" + endpoint.address().getHostAddress() + "]" : endpoint.address().getHostAddress();
        this.authority = host + ":" + endpoint.port();
        this.loops = loops;
        this.idle = new ArrayDeque[loops.length];
        for (int i = 0; i < loops.length; i++) {
            idle[i] = new ArrayDeque<>();
        }
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

    InetSocketAddress address() {
        return address;
    }

    /** host:port, as logs and metrics name the endpoint. */
    String authority() {
        return authority;
    }

    /** The most recently parked open connection of this loop, or null. Called on {@code loop}'s thread. */
    BackendConnection takeIdle(EventLoop loop) {
        ArrayDeque<BackendConnection> stack = idle[loop.index];
        for (BackendConnection c; (c = stack.pollLast()) != null; ) {
            if (!c.isClosed()) {
                return c;
            }
        }
        return null;
    }

    /** Keeps {@code c} for the next request; false when this backend is closed and it must be closed. Called on {@code loop}'s thread. */
    boolean park(EventLoop loop, BackendConnection c) {
        if (closed) {
            return false;
        }
        idle[loop.index].addLast(c);
        return true;
    }

    /** An idle connection was closed (by the backend or its idle timeout). Called on {@code loop}'s thread. */
    void forget(EventLoop loop, BackendConnection c) {
        idle[loop.index].remove(c);
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

    /** Counts a failure; returns true when this one ejects the endpoint ({@code mayEject}: another serves). */
    boolean failed(int threshold, boolean mayEject) {
        if (failures.incrementAndGet() >= threshold && mayEject && !ejected) {
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

    /** Closes the idle connections, each on its own loop; connections in use close when their request ends. */
    void close() {
        closed = true;
        for (EventLoop loop : loops) {
            ArrayDeque<BackendConnection> stack = idle[loop.index];
            loop.execute(() -> {
                for (BackendConnection c; (c = stack.pollLast()) != null; ) {
                    c.close();
                }
            });
        }
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
