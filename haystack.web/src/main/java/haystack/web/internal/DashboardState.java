package haystack.web.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;
import haystack.api.discovery.SourceStatus;
import haystack.api.lb.EndpointVerdicts;
import haystack.api.lb.TcpListenerView;
import haystack.api.strategy.StrategyCatalog;
import haystack.api.tls.CertificateStore;
import haystack.api.tls.ServedCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dashboard shows, as JSON: the whole state (first event of a stream, and
 * {@code GET /api/state}) and the parts that events carry when they change. Each part is
 * read from the running services ({@link AdminView}); a service that is not installed
 * gives null (the page hides its section), one that throws is logged and shown empty.
 */
final class DashboardState {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardState.class);
    static final String ETCD_SOURCE = "etcd:";

    private final AdminView view;
    private final long samplePeriodMillis;

    DashboardState(AdminView view, long samplePeriodMillis) {
        this.view = view;
        this.samplePeriodMillis = samplePeriodMillis;
    }

    String full() {
        RegistrySnapshot snapshot = view.snapshot();
        Map<String, String> verdicts = verdicts();
        Json j = new Json().object();
        j.name("info").raw(info(snapshot));
        j.name("sources").raw(sources());
        j.name("endpoints").array();
        for (Endpoint e : snapshot.endpoints()) {
            j.raw(EndpointStatus.json(e, verdicts));
        }
        j.end();
        j.name("strategies").raw(strategies(snapshot, snapshot.endpoints()));
        j.name("installedStrategies").raw(installedStrategies());
        j.name("listeners").raw(listeners());
        j.name("certificates").raw(certificates());
        j.name("etcd").raw(etcdNodes(snapshot));
        return j.end().toString();
    }

    String info(RegistrySnapshot snapshot) {
        return new Json().object().field("origin", view.origin()).field("version", view.version()).field("started", view.startedMillis())
                .field("ready", snapshot.ready()).field("registryVersion", snapshot.version())
                .field("samplePeriodMillis", samplePeriodMillis).end().toString();
    }

    String sources() {
        Json j = new Json().array();
        for (SourceStatus s : view.sourceStatuses()) {
            try {
                for (SourceStatus.Host h : s.hosts()) {
                    j.object().field("kind", s.kind()).field("host", h.host()).field("connected", h.connected()).end();
                }
            } catch (RuntimeException e) {
                LOG.warn("source status failed source={} error={}", s.getClass().getName(), e.toString());
            }
        }
        return j.end().toString();
    }

    /** The load balancer's verdicts by endpoint id; empty when none runs. */
    Map<String, String> verdicts() {
        EndpointVerdicts v = view.verdicts();
        if (v == null) {
            return Map.of();
        }
        try {
            return v.outOfRotation();
        } catch (RuntimeException e) {
            LOG.warn("endpoint verdicts failed error={}", e.toString());
            return Map.of();
        }
    }

    /**
     * Service to {name, why} for the services of {@code endpoints}. The label is the first
     * (by id) endpoint's of that name that has one; only the services of {@code endpoints}
     * are read, so a change costs its services' endpoints, not the registry's.
     */
    String strategies(RegistrySnapshot snapshot, Collection<Endpoint> endpoints) {
        StrategyCatalog catalog = view.strategies();
        Map<String, String> labels = new TreeMap<>();
        Set<String> services = new HashSet<>();
        for (Endpoint e : endpoints) {
            labels.putIfAbsent(e.qualifiedName(), null);
            services.add(e.service());
        }
        Map<String, Endpoint> labelled = new HashMap<>();
        for (String service : services) {
            for (Endpoint e : snapshot.service(service)) {
                if (e.strategy() != null && labels.containsKey(e.qualifiedName())) {
                    labelled.merge(e.qualifiedName(), e, (a, b) -> a.id().compareTo(b.id()) <= 0 ? a : b);
                }
            }
        }
        labelled.forEach((name, e) -> labels.put(name, e.strategy()));
        Json j = new Json().object();
        labels.forEach((service, label) -> {
            StrategyNames.Choice c = StrategyNames.of(service, label, catalog);
            j.name(service).object().field("name", c.name()).field("why", c.why()).end();
        });
        return j.end().toString();
    }

    String installedStrategies() {
        StrategyCatalog catalog = view.strategies();
        Json j = new Json().array();
        if (catalog != null) {
            catalog.names().forEach(j::value);
        }
        return j.end().toString();
    }

    /** Port to service, or null without a load balancer. */
    String listeners() {
        TcpListenerView lb = view.listeners();
        if (lb == null) {
            return "null";
        }
        Json j = new Json().array();
        try {
            new TreeMap<>(lb.tcpListeners()).forEach((port, service) -> j.object().field("port", port).field("service", service).end());
        } catch (RuntimeException e) {
            LOG.warn("tcp listeners failed error={}", e.toString());
        }
        return j.end().toString();
    }

    /** Served certificates with expiry, or null without an HTTPS listener. */
    String certificates() {
        CertificateStore store = view.certificates();
        if (store == null) {
            return "null";
        }
        Json j = new Json().array();
        Instant now = Instant.now();
        try {
            List<ServedCertificate> served = store.certificates();
            for (ServedCertificate c : served) {
                j.object().field("name", c.name()).field("source", c.source()).field("notAfter", c.notAfter().toEpochMilli())
                        .field("daysLeft", Duration.between(now, c.notAfter()).toDays());
                Api.strings(j.name("dnsNames"), c.dnsNames());
                j.end();
            }
        } catch (RuntimeException e) {
            LOG.warn("certificates failed error={}", e.toString());
        }
        return j.end().toString();
    }

    /** The other nodes sharing the registry through etcd, with their endpoint counts (empty when none). */
    static String etcdNodes(RegistrySnapshot snapshot) {
        Map<String, Integer> nodes = new TreeMap<>();
        for (Endpoint e : snapshot.endpoints()) {
            if (e.source().startsWith(ETCD_SOURCE)) {
                nodes.merge(e.source().substring(ETCD_SOURCE.length()), 1, Integer::sum);
            }
        }
        Json j = new Json().array();
        nodes.forEach((node, n) -> j.object().field("node", node).field("endpoints", n).end());
        return j.end().toString();
    }
}
