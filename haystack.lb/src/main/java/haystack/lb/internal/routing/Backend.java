package haystack.lb.internal.routing;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import haystack.api.Endpoint;

/**
 * Runtime state of one endpoint: requests in flight, passive failure count, health
 * verdicts and the connections the proxy keeps open to it. Outlives registry changes
 * (same endpoint id) so counters and pooled connections survive a routing-table rebuild.
 */
public final class Backend {

    private final String id;
    private final InetSocketAddress address;
    private final String authority;
    private final ConnectionPool connections;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile Endpoint endpoint;
    /** Ejected after too many consecutive failures; a successful probe re-admits. */
    private volatile boolean ejected;
    /** Why, for pages: the last failure that ejected it. */
    private volatile String ejectReason;

    public Backend(Endpoint endpoint, ConnectionPool connections) {
        this.id = endpoint.id();
        this.endpoint = endpoint;
        this.address = new InetSocketAddress(endpoint.address(), endpoint.port());
        String host = endpoint.isIpv6() ? "[" + endpoint.address().getHostAddress() + "]" : endpoint.address().getHostAddress();
        this.authority = host + ":" + endpoint.port();
        this.connections = connections;
    }

    public String id() {
        return id;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public void update(Endpoint e) {
        endpoint = e;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** host:port, as logs and metrics name the endpoint. */
    public String authority() {
        return authority;
    }

    /** The proxy's connections to this endpoint. */
    public ConnectionPool connections() {
        return connections;
    }

    /** Whether new requests may go here: the registry allows it (its health includes active checks) and no ejection. */
    public boolean takesTraffic() {
        return endpoint.isAvailable() && !ejected;
    }

    public int active() {
        return active.get();
    }

    public void requestStarted() {
        active.incrementAndGet();
    }

    public void requestEnded() {
        active.decrementAndGet();
    }

    /** Counts a failure; returns true when this one ejects the endpoint ({@code mayEject}: another serves). */
    public boolean failed(int threshold, boolean mayEject, String why) {
        if (failures.incrementAndGet() >= threshold && mayEject && !ejected) {
            ejectReason = "ejected after " + threshold + " failed request" + (threshold == 1 ? "" : "s") + ": " + why;
            ejected = true;
            return true;
        }
        return false;
    }

    public void succeeded() {
        if (failures.get() != 0) {
            failures.set(0);
        }
    }

    public boolean ejected() {
        return ejected;
    }

    /** Re-admits an ejected endpoint; returns true if it was ejected. */
    public boolean readmit() {
        failures.set(0);
        boolean was = ejected;
        ejected = false;
        return was;
    }

    /** Why the balancer itself sends no new requests here though the registry would, or null. */
    public String outOfRotation() {
        return ejected ? ejectReason : null;
    }

    /** The endpoint left the routing table: its kept connections close. */
    public void close() {
        connections.close();
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
