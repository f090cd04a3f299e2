package haystack.lb.internal;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import haystack.api.Endpoint;
import haystack.api.Protocol;
import haystack.api.RegistryChange;
import haystack.api.RegistryListener;
import haystack.api.RegistrySnapshot;
import haystack.api.metrics.MetricsSource;
import haystack.api.metrics.MetricsWriter;
import haystack.api.trace.Tracer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load balancer (SPEC §5): listens on the http and http-alt ports, rebuilds one
 * immutable routing table per port on every registry or health change, and keeps the
 * per-endpoint backends (pools, counters) across rebuilds. Requests read the tables
 * through volatile fields and never lock.
 */
@Component(configurationPid = "haystack.lb", configurationPolicy = ConfigurationPolicy.REQUIRE, service = {RegistryListener.class, MetricsSource.class})
@Designate(ocd = LbConfig.class)
public final class LoadBalancer implements RegistryListener, MetricsSource {

    private static final Logger LOG = LoggerFactory.getLogger(LoadBalancer.class);

    static final String HTTP = "http";
    static final String HTTP_ALT = "http-alt";
    private static final Set<String> PORT_NAMES = Set.of(HTTP, HTTP_ALT);

    private final LbConfig config;
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
    private RegistrySnapshot snapshot = RegistrySnapshot.EMPTY;
    private volatile RoutingTable httpTable = RoutingTable.EMPTY;
    private volatile RoutingTable httpAltTable = RoutingTable.EMPTY;

    public LoadBalancer(StrategyCatalogImpl strategies, LbConfig config) throws IOException {
        this(strategies, config, Tracer.OFF);
    }

    @Activate
    public LoadBalancer(@Reference StrategyCatalogImpl strategies, LbConfig config, @Reference Tracer tracer) throws IOException {
        this.tracer = tracer;
        LbSettings.validate(config);
        this.config = config;
        this.health = new HealthMonitor(config.passive_probe_interval(), config.connect_timeout(), this::rebuild);
        this.health.every(1000, this::closeRetired);
        this.metrics = new RequestMetrics(config.access_log());
        BackendChooser chooser = new BackendChooser(strategies, config.passive_failures(), ejected -> health.submit(this::rebuild));
        this.server = new ProxyServer(ioThreads(config), new ProxyContext(config, chooser, metrics, tracer));
        try {
            server.listen(config.bind(), config.http_port(), new Listener(HTTP, () -> httpTable, metrics.connections(HTTP)));
            server.listen(config.bind(), config.http_alt_port(), new Listener(HTTP_ALT, () -> httpAltTable, metrics.connections(HTTP_ALT)));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
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
    }

    @Override
    public void registryChanged(RegistryChange change) {
        synchronized (lock) {
            snapshot = change.current();
            rebuildLocked();
        }
    }

    /** Health or ejection changed: same snapshot, new verdicts. */
    void rebuild() {
        synchronized (lock) {
            rebuildLocked();
        }
    }

    private void rebuildLocked() {
        Map<String, Backend> seen = new HashMap<>();
        for (Endpoint e : snapshot.endpoints()) {
            if (e.protocol() != Protocol.TCP || !PORT_NAMES.contains(e.portName())) {
                continue;
            }
            Backend b = backends.get(e.id());
            if (b == null) {
                b = new Backend(e, server.loops());
                backends.put(e.id(), b);
            } else {
                if (!java.util.Objects.equals(b.endpoint().healthCheck(), e.healthCheck())) {
                    health.untrack(b.id()); // re-tracked below with the new interval
                    if (e.healthCheck() == null) {
                        b.checkDown(false);
                    }
                }
                b.update(e);
            }
            health.track(b);
            seen.put(e.id(), b);
        }
        backends.values().removeIf(b -> {
            if (seen.containsKey(b.id())) {
                return false;
            }
            health.untrack(b.id());
            retiring.add(b);
            return true;
        });
        String origin = config.origin();
        RoutingTable http = RoutingTable.build(snapshot, HTTP, origin, e -> seen.get(e.id()), httpSequences);
        RoutingTable httpAlt = RoutingTable.build(snapshot, HTTP_ALT, origin, e -> seen.get(e.id()), httpAltSequences);
        httpSequences.keySet().retainAll(http.services().keySet());
        httpAltSequences.keySet().retainAll(httpAlt.services().keySet());
        httpTable = http;
        httpAltTable = httpAlt;
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

    /** Port of the http listener as bound (differs from the setting only when that is 0). */
    int httpPort() {
        return server.boundPort(0);
    }

    int httpAltPort() {
        return server.boundPort(1);
    }

    @Deactivate
    void close() {
        health.close();
        synchronized (lock) {
            backends.values().forEach(Backend::close);
            backends.clear();
        }
        retiring.forEach(Backend::close);
        retiring.clear();
        server.close();
    }
}
