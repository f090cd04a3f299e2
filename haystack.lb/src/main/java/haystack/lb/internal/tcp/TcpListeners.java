package haystack.lb.internal.tcp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import haystack.api.Endpoint;
import haystack.api.Protocol;
import haystack.api.RegistrySnapshot;
import haystack.api.metrics.MetricsWriter;
import haystack.api.metrics.MetricsWriter.Type;
import haystack.lb.internal.io.EventLoop;
import haystack.lb.internal.routing.Backend;
import haystack.lb.internal.routing.Route;
import haystack.lb.internal.routing.RoutingTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP listeners of SPEC §5a, one per port that endpoints ask for ({@link Endpoint#tcpPort()}):
 * opened when the first endpoint asks, closed when the last goes (connections in flight
 * finish), each serving one service. Two services asking for one port is a conflict,
 * logged once: the service listening keeps it (or, for a new port, the first in the
 * registry's order). A port that cannot be bound is logged once and tried again when its
 * service changes. Driven by the load balancer's rebuilds, under its lock.
 */
public final class TcpListeners implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpListeners.class);

    private final EventLoop[] loops;
    private final TcpContext context;
    private volatile String bind;
    /** Open listeners by port. Written under the caller's lock, read by metrics and commands. */
    private final Map<Integer, TcpListener> listeners = new ConcurrentHashMap<>();
    /** Counters by port: a closed listener's stay while its connections finish. */
    private final Map<Integer, ListenerCounters> counters = new ConcurrentHashMap<>();
    /** Round-robin sequences by port, kept across rebuilds. */
    private final Map<Integer, AtomicLong> sequences = new HashMap<>();
    /** Ports that could not be bound, with the endpoints their service had then. */
    private final Map<Integer, List<Endpoint>> unbound = new HashMap<>();
    /** Conflicts logged ("port service"), so each is logged once while it lasts. */
    private Set<String> conflicts = Set.of();
    /** The endpoints asking for each port, by id, as of {@link #at}. Under the caller's lock. */
    private final Map<Integer, TreeMap<String, Endpoint>> askers = new HashMap<>();
    /** The snapshot of the last update; null before the first. */
    private RegistrySnapshot at;

    public TcpListeners(EventLoop[] loops, TcpContext context, String bind) {
        this.loops = loops;
        this.context = context;
        this.bind = bind;
    }

    /** Where new listeners bind; open ones stay until they close. */
    public void bind(String address) {
        bind = address;
    }

    /**
     * Opens, re-routes and closes listeners to match {@code snapshot}; {@code backends} gives
     * each endpoint's runtime state. With {@code registryChange} only the backends of the
     * endpoints that changed since the last update are new, so only the ports those endpoints
     * ask (or asked) for are looked at; otherwise (health or ejection verdicts) every port is.
     */
    public void update(RegistrySnapshot snapshot, Function<Endpoint, Backend> backends, boolean registryChange) {
        Set<Integer> ports;
        if (registryChange && at != null) {
            ports = new HashSet<>();
            snapshot.changesSince(at, (old, now) -> {
                if (old != null && asks(old)) {
                    ports.add(old.tcpPort());
                    askers.computeIfPresent(old.tcpPort(), (p, byId) -> {
                        byId.remove(old.id());
                        return byId.isEmpty() ? null : byId;
                    });
                }
                if (now != null && asks(now)) {
                    ports.add(now.tcpPort());
                    askers.computeIfAbsent(now.tcpPort(), p -> new TreeMap<>()).put(now.id(), now);
                }
            });
        } else {
            askers.clear();
            for (Endpoint e : snapshot.endpoints()) {
                if (asks(e)) {
                    askers.computeIfAbsent(e.tcpPort(), p -> new TreeMap<>()).put(e.id(), e);
                }
            }
            ports = new HashSet<>(askers.keySet());
            ports.addAll(listeners.keySet());
            ports.addAll(unbound.keySet());
        }
        at = snapshot;
        for (int port : new TreeSet<>(ports)) {
            updatePort(port, backends);
        }
        counters.entrySet().removeIf(c -> !listeners.containsKey(c.getKey()) && c.getValue().active.sum() == 0);
    }

    private static boolean asks(Endpoint e) {
        return e.protocol() == Protocol.TCP && e.tcpPort() > 0;
    }

    /** Brings the listener of {@code port} in line with the endpoints that ask for it now. */
    private void updatePort(int port, Function<Endpoint, Backend> backends) {
        TreeMap<String, Endpoint> byId = askers.get(port);
        TcpListener open = listeners.get(port);
        Set<String> conflicting = new HashSet<>(conflicts);
        conflicting.removeIf(key -> key.startsWith(port + " "));
        if (byId == null) {
            conflicts = Set.copyOf(conflicting);
            unbound.remove(port);
            sequences.remove(port);
            if (open != null) {
                close(open, "no endpoint asks for it");
            }
            return;
        }
        Map<String, List<Endpoint>> services = new LinkedHashMap<>(); // in the registry's order: by id
        for (Endpoint e : byId.values()) {
            services.computeIfAbsent(e.qualifiedName(), s -> new ArrayList<>()).add(e);
        }
        String owner = open != null && services.containsKey(open.service()) ? open.service() : services.keySet().iterator().next();
        for (String other : services.keySet()) {
            if (!other.equals(owner)) {
                String key = port + " " + other;
                conflicting.add(key);
                if (!conflicts.contains(key)) {
                    LOG.warn("tcp listener conflict port={} service={} kept-by={} reason=two services ask for one port", port, other, owner);
                }
            }
        }
        conflicts = Set.copyOf(conflicting);
        List<Endpoint> endpoints = services.get(owner);
        Route route = RoutingTable.route(owner, endpoints, backends, sequences.computeIfAbsent(port, p -> new AtomicLong()));
        if (open != null) {
            if (!open.service().equals(owner)) {
                LOG.info("tcp listener service changed port={} service={} was={}", port, owner, open.service());
            }
            open.route(route);
        } else if (!endpoints.equals(unbound.get(port))) {
            open(port, route, endpoints);
        }
    }

    private void open(int port, Route route, List<Endpoint> endpoints) {
        String address = bind;
        List<ServerSocketChannel> servers = new ArrayList<>();
        try {
            servers.add(listen(address, port, loops.length > 1));
            boolean perLoop = loops.length > 1 && servers.get(0).supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
            for (int i = 1; perLoop && i < loops.length; i++) {
                servers.add(listen(address, port, true));
            }
        } catch (IOException | RuntimeException e) {
            servers.forEach(TcpListeners::closeQuietly);
            unbound.put(port, endpoints);
            LOG.error("tcp listener not opened port={} bind={} service={} reason={} retry=when the service changes", port, address, route.service(), e.toString());
            return;
        }
        unbound.remove(port);
        ListenerCounters c = counters.computeIfAbsent(port, p -> new ListenerCounters(route.service()));
        TcpListener listener = new TcpListener(port, List.copyOf(servers), route, c);
        listeners.put(port, listener);
        for (int i = 0; i < loops.length; i++) {
            EventLoop loop = loops[i];
            ServerSocketChannel s = servers.get(i % servers.size());
            loop.execute(() -> {
                try {
                    if (s.isOpen()) {
                        new TcpAcceptor(loop, listener, s, context);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.error("tcp listener cannot accept port={} loop={} reason={}", port, loop.index, e.toString());
                    if (servers.size() > 1) {
                        closeQuietly(s); // the kernel would go on handing this loop's socket connections nobody accepts
                    }
                }
            });
        }
        LOG.info("tcp listener opened port={} bind={} service={} endpoints={}", port, address, route.service(), endpoints.size());
    }

    /**
     * A listening socket. With several event loops each loop gets its own socket on the
     * port (SO_REUSEPORT) and the kernel spreads new connections over them: one shared
     * socket would wake every loop for each connection, all but one to find nothing.
     */
    private static ServerSocketChannel listen(String address, int port, boolean reusePort) throws IOException {
        InetSocketAddress at = new InetSocketAddress(address, port);
        // one IPv4 address gets an IPv4 socket: the default dual-stack one would take every
        // client as a v4-mapped IPv6 peer, through the kernel's longer IPv6 paths. 0.0.0.0
        // stays dual-stack (the JDK binds it as ::), so IPv6 clients are served there too.
        ServerSocketChannel server = at.getAddress() instanceof Inet4Address && !at.getAddress().isAnyLocalAddress()
                ? ServerSocketChannel.open(StandardProtocolFamily.INET) : ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (reusePort && server.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            server.bind(at, 1024);
            server.configureBlocking(false);
            return server;
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            throw e;
        }
    }

    private void close(TcpListener l, String why) {
        listeners.remove(l.port);
        l.servers.forEach(TcpListeners::closeQuietly);
        for (EventLoop loop : loops) {
            loop.selector.wakeup(); // the loops deregister the socket at their next select, which frees the port
        }
        LOG.info("tcp listener closed port={} service={} reason={} connections={}", l.port, l.service(), why, l.counters.active.sum());
    }

    private static void closeQuietly(ServerSocketChannel server) {
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** The open listeners: port to service. */
    public Map<Integer, String> listening() {
        Map<Integer, String> out = new TreeMap<>();
        listeners.forEach((port, l) -> out.put(port, l.service()));
        return out;
    }

    /** Relayed connections open now, on every listener. */
    public long activeConnections() {
        return counters.values().stream().mapToLong(c -> c.active.sum()).sum();
    }

    public void collect(MetricsWriter w) {
        w.family("haystack_tcp_connections_total", Type.COUNTER, "Client connections accepted by a TCP listener");
        counters.forEach((port, c) -> w.sample("haystack_tcp_connections_total", c.connections.sum(), "listener", port.toString(), "service", c.service));
        w.family("haystack_tcp_active_connections", Type.GAUGE, "Connections a TCP listener relays now");
        counters.forEach((port, c) -> w.sample("haystack_tcp_active_connections", c.active.sum(), "listener", port.toString(), "service", c.service));
        w.family("haystack_tcp_bytes_total", Type.COUNTER, "Bytes relayed by a TCP listener: in from clients, out to them");
        counters.forEach((port, c) -> {
            w.sample("haystack_tcp_bytes_total", c.bytesIn.sum(), "listener", port.toString(), "service", c.service, "direction", "in");
            w.sample("haystack_tcp_bytes_total", c.bytesOut.sum(), "listener", port.toString(), "service", c.service, "direction", "out");
        });
        w.family("haystack_tcp_failures_total", Type.COUNTER, "Client connections closed without reaching an endpoint (none taking traffic, or every connect failed)");
        counters.forEach((port, c) -> w.sample("haystack_tcp_failures_total", c.failures.sum(), "listener", port.toString(), "service", c.service));
    }

    @Override
    public void close() {
        for (TcpListener l : List.copyOf(listeners.values())) {
            close(l, "shutdown");
        }
    }
}
