package haystack.lb.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import haystack.api.Endpoint;
import haystack.api.Protocol;
import haystack.api.Registry;
import haystack.api.RegistryChange;
import haystack.api.RegistryListener;
import haystack.api.RegistrySnapshot;
import haystack.api.lb.EndpointVerdicts;
import haystack.api.lb.RoutedHosts;
import haystack.api.lb.TcpListenerView;
import haystack.api.metrics.MetricsSource;
import haystack.api.metrics.MetricsWriter;
import haystack.api.tls.HttpChallenges;
import haystack.api.trace.Tracer;
import haystack.lb.internal.health.HealthMonitor;
import haystack.lb.internal.metrics.RequestMetrics;
import haystack.lb.internal.proxy.BackendConnections;
import haystack.lb.internal.proxy.HttpsEdge;
import haystack.lb.internal.proxy.Listener;
import haystack.lb.internal.proxy.ProxyContext;
import haystack.lb.internal.proxy.ProxyServer;
import haystack.lb.internal.proxy.ProxySettings;
import haystack.lb.internal.routing.Backend;
import haystack.lb.internal.routing.BackendChooser;
import haystack.lb.internal.routing.RoutingTable;
import haystack.lb.internal.routing.StrategyCatalogImpl;
import haystack.lb.internal.tcp.TcpContext;
import haystack.lb.internal.tcp.TcpListeners;
import haystack.lb.internal.tcp.TcpSettings;
import haystack.lb.internal.tls.CertificateStoreImpl;
import haystack.lb.internal.tls.TlsEngines;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.FieldOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load balancer (SPEC §5, §5a, §5b): listens on the http, http-alt and https ports and on the TCP
 * ports endpoints ask for, rebuilds one immutable routing table per port on every
 * registry or health change, and keeps the per-endpoint backends (pools, counters, health)
 * across rebuilds, shared by HTTP and TCP when an endpoint is served by both. Requests read the tables
 * through volatile fields and never lock.
 */
@Component(configurationPid = "haystack.lb", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {RegistryListener.class, MetricsSource.class, TcpListenerView.class, EndpointVerdicts.class, RoutedHosts.class},
        reference = @Reference(name = LoadBalancer.REGISTRY, service = Registry.class, cardinality = ReferenceCardinality.OPTIONAL,
                policy = ReferencePolicy.DYNAMIC))
@Designate(ocd = LbConfig.class)
public final class LoadBalancer implements RegistryListener, MetricsSource, TcpListenerView, EndpointVerdicts, RoutedHosts {

    private static final Logger LOG = LoggerFactory.getLogger(LoadBalancer.class);

    /** The registry, looked up (DS lookup strategy) when an active check's verdict is told. */
    static final String REGISTRY = "registry";
    static final String HTTP = "http";
    static final String HTTP_ALT = "http-alt";
    static final String HTTPS = "https";
    private static final Set<String> PORT_NAMES = Set.of(HTTP, HTTP_ALT);

    private volatile LbConfig config;
    private final ProxyContext context;
    private final BackendChooser chooser;
    private final Listener httpListener;
    private final Listener httpAltListener;
    private final Listener httpsListener;
    private final CertificateStoreImpl certificates;
    private final TlsEngines tls;
    /** ACME HTTP-01 answers, asked by the http listener (a whiteboard). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, fieldOption = FieldOption.REPLACE)
    private volatile List<HttpChallenges> challenges = List.of();
    private final Object lock = new Object();
    /** Backends by endpoint id. Guarded by lock. */
    private final Map<String, Backend> backends = new HashMap<>();
    private final Queue<Backend> retiring = new ConcurrentLinkedQueue<>();
    /** Round-robin style counters per service, one map per listener. Guarded by lock. */
    private final Map<String, AtomicLong> httpSequences = new HashMap<>();
    private final Map<String, AtomicLong> httpAltSequences = new HashMap<>();
    private final HealthMonitor health;
    private final Tracer tracer;
    private final ProxyServer server;
    private final RequestMetrics metrics;
    private final TcpContext tcpContext;
    private final TcpListeners tcp;
    /** Not ready until the registry's first change: a rebuild before it (a configuration change) must not turn misses into 404s. */
    private RegistrySnapshot snapshot = new RegistrySnapshot(0, List.of(), false);
    private volatile RoutingTable httpTable = RoutingTable.EMPTY;
    private volatile RoutingTable httpAltTable = RoutingTable.EMPTY;

    public LoadBalancer(StrategyCatalogImpl strategies, LbConfig config) throws IOException {
        this(strategies, config, Tracer.OFF);
    }

    /** A balancer whose active checks tell no registry (unit tests of the balancer alone); the generated default certificate only, in memory. */
    public LoadBalancer(StrategyCatalogImpl strategies, LbConfig config, Tracer tracer) throws IOException {
        this(strategies, config, tracer, HealthMonitor.Verdicts.NONE, new CertificateStoreImpl((java.nio.file.Path) null));
    }

    /**
     * Active checks' verdicts go to the registry, whose snapshots then bring them back here
     * and to DNS. The registry is looked up when a verdict is told, never at activation: the
     * registry binds this balancer as a listener while it activates, and a balancer that
     * needed the registry to activate would be a cycle DS cannot start.
     */
    @Activate
    public LoadBalancer(@Reference StrategyCatalogImpl strategies, LbConfig config, @Reference Tracer tracer,
            @Reference CertificateStoreImpl certificates, ComponentContext context) throws IOException {
        this(strategies, config, tracer, (id, failing) -> {
            Registry registry = (Registry) context.locateService(REGISTRY);
            return registry != null && registry.checkFailing(id, failing);
        }, certificates);
    }

    /** A balancer telling {@code registry} its active checks' verdicts (tests). */
    public LoadBalancer(StrategyCatalogImpl strategies, LbConfig config, Tracer tracer, Registry registry) throws IOException {
        this(strategies, config, tracer, registry::checkFailing, new CertificateStoreImpl((java.nio.file.Path) null));
    }

    /** As above, serving HTTPS from {@code certificates} (tests). */
    public LoadBalancer(StrategyCatalogImpl strategies, LbConfig config, Tracer tracer, Registry registry, CertificateStoreImpl certificates)
            throws IOException {
        this(strategies, config, tracer, registry::checkFailing, certificates);
    }

    LoadBalancer(StrategyCatalogImpl strategies, LbConfig config, Tracer tracer, HealthMonitor.Verdicts verdicts) throws IOException {
        this(strategies, config, tracer, verdicts, new CertificateStoreImpl((java.nio.file.Path) null));
    }

    LoadBalancer(StrategyCatalogImpl strategies, LbConfig config, Tracer tracer, HealthMonitor.Verdicts verdicts,
            CertificateStoreImpl certificates) throws IOException {
        this.tracer = tracer;
        this.certificates = certificates;
        LbSettings.validate(config);
        this.config = config;
        this.health = new HealthMonitor(config.passive_probe_interval(), config.connect_timeout(), this::rebuild, verdicts);
        this.health.every(1000, this::closeRetired);
        this.metrics = new RequestMetrics(config.access_log());
        BackendChooser chooser = new BackendChooser(strategies, config.passive_failures(), ejected -> health.submit(this::rebuild));
        this.chooser = chooser;
        this.context = new ProxyContext(config.max_header_size(), proxySettings(config), chooser, metrics, tracer);
        this.server = new ProxyServer(ioThreads(config), context);
        this.tcpContext = new TcpContext(chooser, context.limit, tracer, tcpSettings(config));
        this.tcp = new TcpListeners(server.loops(), tcpContext, config.tcp_bind());
        this.tls = new TlsEngines(certificates);
        HttpsEdge edge = new HttpsEdge(() -> challenges, this::httpsPort);
        this.httpListener = new Listener(HTTP, () -> httpTable, metrics.connections(HTTP), null, edge);
        this.httpAltListener = new Listener(HTTP_ALT, () -> httpAltTable, metrics.connections(HTTP_ALT));
        // HTTPS routes exactly as port 80 does: the same table
        this.httpsListener = new Listener(HTTPS, () -> httpTable, metrics.connections(HTTPS), tls, null);
        try {
            server.listen(config.bind(), config.http_port(), httpListener);
            server.listen(config.bind(), config.http_alt_port(), httpAltListener);
            server.listen(config.bind(), config.https_port(), httpsListener);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * A configuration change, applied without dropping a connection: timeouts, limits and
     * the access log at once for new requests; a listener only when its port or address
     * changed (the new socket accepts before the old closes). A change that cannot be
     * applied is logged and the running configuration kept.
     */
    @Modified
    void modified(LbConfig next) {
        LbConfig previous = config;
        try {
            LbSettings.validate(next);
        } catch (IllegalArgumentException e) {
            LOG.error("configuration not applied pid=haystack.lb reason={}", e.getMessage());
            return;
        }
        boolean bindChanged = !previous.bind().equals(next.bind());
        boolean httpMoves = bindChanged || moves(previous.http_port(), next.http_port(), httpPort());
        boolean altMoves = bindChanged || moves(previous.http_alt_port(), next.http_alt_port(), httpAltPort());
        boolean httpsMoves = bindChanged || moves(previous.https_port(), next.https_port(), httpsPort());
        try {
            if (httpMoves) {
                server.rebind(0, next.bind(), next.http_port(), httpListener);
            }
            if (altMoves) {
                server.rebind(1, next.bind(), next.http_alt_port(), httpAltListener);
            }
            if (httpsMoves) {
                server.rebind(2, next.bind(), next.https_port(), httpsListener);
            }
        } catch (IllegalStateException e) {
            LOG.error("configuration not applied pid=haystack.lb reason={}", e.getMessage());
            return;
        }
        context.apply(proxySettings(next));
        tcpContext.apply(tcpSettings(next));
        tcp.bind(next.tcp_bind());
        metrics.accessLog(next.access_log());
        chooser.ejectAfter(next.passive_failures());
        config = next;
        if (!previous.tcp_bind().equals(next.tcp_bind())) {
            LOG.warn("configuration applies to TCP listeners opened from now on pid=haystack.lb setting=tcp.bind");
        }
        if (next.io_threads() != previous.io_threads() || next.max_header_size() != previous.max_header_size()
                || next.passive_probe_interval() != previous.passive_probe_interval()) {
            LOG.warn("configuration applies at the next start pid=haystack.lb settings=io.threads,max.header.size,passive.probe.interval");
        }
        if (!previous.origin().equals(next.origin()) || !java.util.Arrays.equals(previous.domains(), next.domains())) {
            rebuild();
        }
        LOG.info("configuration applied pid=haystack.lb http={} http-alt={} https={}", httpMoves ? "moved" : "kept", altMoves ? "moved" : "kept",
                httpsMoves ? "moved" : "kept");
    }

    private static ProxySettings proxySettings(LbConfig c) {
        return new ProxySettings(c.connect_timeout(), c.idle_timeout(), c.head_timeout(), c.retries(), c.max_connections());
    }

    private static TcpSettings tcpSettings(LbConfig c) {
        return new TcpSettings(c.connect_timeout(), c.tcp_idle_timeout(), c.retries());
    }

    /** Whether a listener must move: a new port that is not the one bound (0 asks for any free port). */
    private static boolean moves(int previous, int next, int bound) {
        return next != previous && next != bound;
    }

    /** The configured count, or half the cores (at least one): backends and clients on the same machine need the rest. */
    static int ioThreads(LbConfig config) {
        return config.io_threads() > 0 ? config.io_threads() : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    @Override
    public void collect(MetricsWriter writer) {
        // series of endpoints and services that are gone end here, so churn does not grow memory
        Set<String> endpoints = new HashSet<>();
        Set<String> services = new HashSet<>();
        synchronized (lock) {
            backends.values().forEach(b -> endpoints.add(b.authority()));
            retiring.forEach(b -> endpoints.add(b.authority()));
        }
        services.addAll(httpTable.services().keySet());
        services.addAll(httpAltTable.services().keySet());
        metrics.retainOnly(endpoints, services);
        metrics.collect(writer);
        tls.metrics().collect(writer);
        certificates.collect(writer);
        tcp.collect(writer);
    }

    @Override
    public void registryChanged(RegistryChange change) {
        synchronized (lock) {
            boolean follows = change.previous() == snapshot;
            snapshot = change.current();
            if (follows) {
                List<Endpoint> put = new ArrayList<>(change.added());
                put.addAll(change.updated());
                health.checksChanged(change.removed(), put);
                followLocked(change.removed(), put);
            } else {
                health.checks(snapshot.endpoints());
                rebuildLocked(true);
            }
        }
    }

    /**
     * A registry change that follows the snapshot held: the backends of the endpoints it
     * removed, added and updated, and the routes of their services; the rest stays as it is.
     */
    private void followLocked(List<Endpoint> removed, List<Endpoint> put) {
        removed.forEach(e -> retireLocked(e.id()));
        for (Endpoint e : put) {
            if (!balanced(e)) {
                retireLocked(e.id()); // updated to a port the balancer does not serve
                continue;
            }
            trackLocked(e);
        }
        tablesLocked(true, e -> backends.get(e.id()));
    }

    /** The backend of {@code e}, made or updated to it, and watched by the health monitor. */
    private Backend trackLocked(Endpoint e) {
        Backend b = backends.get(e.id());
        if (b == null) {
            b = new Backend(e, new BackendConnections(server.loops()));
            backends.put(e.id(), b);
        } else {
            b.update(e);
        }
        health.track(b);
        return b;
    }

    private void retireLocked(String endpointId) {
        Backend b = backends.remove(endpointId);
        if (b != null) {
            health.untrack(endpointId);
            retiring.add(b);
        }
    }

    /** Whether the balancer has a backend for {@code e}: TCP, on an HTTP listener's port name or a TCP listener's port. */
    private static boolean balanced(Endpoint e) {
        return e.protocol() == Protocol.TCP && (PORT_NAMES.contains(e.portName()) || e.tcpPort() > 0);
    }

    /** Health or ejection changed: same snapshot, new verdicts. */
    void rebuild() {
        synchronized (lock) {
            rebuildLocked(false);
        }
    }

    /** @param registryChange true when only the snapshot changed: routes of untouched services are kept */
    private void rebuildLocked(boolean registryChange) {
        Map<String, Backend> seen = new HashMap<>();
        for (Endpoint e : snapshot.endpoints()) {
            if (!balanced(e)) {
                continue;
            }
            seen.put(e.id(), trackLocked(e));
        }
        backends.values().removeIf(b -> {
            if (seen.containsKey(b.id())) {
                return false;
            }
            health.untrack(b.id());
            retiring.add(b);
            return true;
        });
        tablesLocked(registryChange, e -> seen.get(e.id()));
    }

    /** New routing tables and TCP listeners over the snapshot held; {@code backendOf} gives each endpoint's backend. */
    private void tablesLocked(boolean registryChange, java.util.function.Function<Endpoint, Backend> backendOf) {
        String origin = config.origin();
        List<String> domains = List.of(config.domains());
        RoutingTable http = registryChange ? httpTable.next(snapshot, HTTP, origin, domains, backendOf, httpSequences)
                : RoutingTable.build(snapshot, HTTP, origin, domains, backendOf, httpSequences);
        RoutingTable httpAlt = registryChange ? httpAltTable.next(snapshot, HTTP_ALT, origin, domains, backendOf, httpAltSequences)
                : RoutingTable.build(snapshot, HTTP_ALT, origin, domains, backendOf, httpAltSequences);
        httpSequences.keySet().retainAll(http.services().keySet());
        httpAltSequences.keySet().retainAll(httpAlt.services().keySet());
        httpTable = http;
        httpAltTable = httpAlt;
        tcp.update(snapshot, backendOf, registryChange);
        LOG.debug("routes rebuilt version={} http={} http-alt={}", snapshot.version(), httpTable.services().size(), httpAltTable.services().size());
    }

    /** Closes the pools of endpoints gone from the registry once their last request is over. */
    private void closeRetired() {
        for (int i = retiring.size(); i > 0; i--) {
            Backend b = retiring.poll();
            if (b == null) {
                return;
            }
            if (b.active() > 0) {
                retiring.add(b);
            } else {
                b.close();
            }
        }
    }

    /** Requests completed so far (for tests). */
    long metricsRequests() {
        return metrics.completedCount();
    }

    /** Client connections open (for tests). */
    int openClients() {
        return context.openConnections();
    }

    /** Client connections waiting with nothing of a request read (for tests; poll it). */
    int idleClients() {
        return server.idleClients();
    }

    /** Port of the http listener as bound (differs from the setting only when that is 0). */
    int httpPort() {
        return server.boundPort(0);
    }

    int httpAltPort() {
        return server.boundPort(1);
    }

    /** Port of the https listener as bound; the configured one until it is bound. */
    int httpsPort() {
        int bound;
        try {
            bound = server.boundPort(2);
        } catch (IndexOutOfBoundsException notYet) {
            bound = -1;
        }
        return bound > 0 ? bound : config.https_port();
    }

    /** Sets the challenge services as DS would (for tests). */
    void challengesForTest(List<HttpChallenges> services) {
        challenges = List.copyOf(services);
    }

    /** TLS handshake counters (for tests). */
    TlsEngines tls() {
        return tls;
    }

    @Override
    public Set<String> routedHosts() {
        return httpTable.hosts();
    }

    @Override
    public Map<Integer, String> tcpListeners() {
        return tcp.listening();
    }

    @Override
    public Map<String, String> outOfRotation() {
        Map<String, String> out = new java.util.TreeMap<>(health.failingChecks());
        synchronized (lock) {
            backends.values().forEach(b -> {
                String why = b.outOfRotation();
                if (why != null) {
                    out.putIfAbsent(b.id(), why);
                }
            });
        }
        return out;
    }

    /** Relayed TCP connections open now (for tests). */
    long tcpConnections() {
        return tcp.activeConnections();
    }

    @Deactivate
    void close() {
        health.close();
        if (tcp != null) {
            tcp.close();
        }
        synchronized (lock) {
            backends.values().forEach(Backend::close);
            backends.clear();
        }
        retiring.forEach(Backend::close);
        retiring.clear();
        server.close();
        if (tls != null) {
            tls.close();
        }
    }
}
