package haystack.web.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;
import haystack.api.metrics.MetricsSource;
import haystack.api.metrics.MetricsWriter;
import haystack.api.strategy.StrategyCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every period: reads the traffic counters into {@link TrafficSamples} and sends the new
 * samples ({@code stats}, not kept for resuming: a reading of now); and publishes, as
 * numbered events, what changed outside the registry since the last period: the load
 * balancer's verdicts on endpoints ({@code verdict}), strategies ({@code strategies}), TCP
 * listeners, certificates and discovery sources' connections.
 */
final class LiveSampler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveSampler.class);

    private final AdminView view;
    private final DashboardState state;
    private final EventStream stream;
    private final TrafficSamples samples;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "haystack-web-sampler");
        t.setDaemon(true);
        return t;
    });
    private Map<String, String> verdicts = Map.of();
    private final Map<String, String> parts = new HashMap<>();
    /** The catalog, its names and choices when the strategies were last read; null before. */
    private List<Object> strategyInputs;
    private long lastRequests = -1;
    private long lastDns = -1;
    private long lastTime;

    LiveSampler(AdminView view, DashboardState state, EventStream stream, TrafficSamples samples) {
        this.view = view;
        this.state = state;
        this.stream = stream;
        this.samples = samples;
    }

    void start(long periodMillis) {
        timer.scheduleWithFixedDelay(this::tick, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** One period; public to the package so tests can step it. */
    synchronized void tick() {
        try {
            long now = System.currentTimeMillis();
            sampleTraffic(now);
            publishVerdicts(now);
            publishStrategiesIfCatalogChanged();
            publishIfChanged("installedStrategies", state::installedStrategies);
            publishIfChanged("listeners", state::listeners);
            publishIfChanged("certificates", state::certificates);
            publishIfChanged("sources", state::sources);
        } catch (RuntimeException e) {
            LOG.warn("dashboard sample failed error={}", e.toString());
        }
    }

    private void sampleTraffic(long now) {
        TrafficTotals totals = new TrafficTotals();
        Stats stats = new Stats();
        MetricsWriter both = new MetricsWriter() {
            @Override
            public void family(String name, Type type, String help) {
                // only samples are read
            }

            @Override
            public void sample(String name, double value, String... labels) {
                totals.sample(name, value, labels);
                stats.sample(name, value, labels);
            }
        };
        for (MetricsSource source : view.metricsSources()) {
            try {
                source.collect(both);
            } catch (RuntimeException e) {
                LOG.warn("metrics source failed source={} error={}", source.getClass().getName(), e.toString());
            }
        }
        Map<String, TrafficSamples.Sample> added = samples.add(now, totals.services);
        double seconds = lastTime == 0 ? 0 : (now - lastTime) / 1000.0;
        Json j = new Json().object().field("time", now)
                .field("requestRate", seconds <= 0 || lastRequests < 0 ? 0 : Math.max(0, stats.requests - lastRequests) / seconds)
                .field("dnsRate", seconds <= 0 || lastDns < 0 ? 0 : Math.max(0, stats.dnsQueries - lastDns) / seconds)
                .field("clients", stream.clients()).name("services").object();
        added.forEach((service, s) -> j.name(service).raw(sampleJson(s)));
        stream.broadcast("stats", j.end().end().toString());
        lastRequests = stats.requests;
        lastDns = stats.dnsQueries;
        lastTime = now;
    }

    static String sampleJson(TrafficSamples.Sample s) {
        return new Json().array().value(s.time()).value(round(s.rate())).value(round(s.errorRate())).value(round(s.p50())).value(round(s.p99()))
                .end().toString();
    }

    private static double round(double d) {
        return Double.isFinite(d) ? Math.round(d * 1000) / 1000.0 : d;
    }

    private void publishVerdicts(long now) {
        Map<String, String> current = state.verdicts();
        if (current.equals(verdicts)) {
            return;
        }
        Set<String> changed = new HashSet<>(current.keySet());
        changed.addAll(verdicts.keySet());
        changed.removeIf(id -> Objects.equals(current.get(id), verdicts.get(id)));
        RegistrySnapshot snapshot = view.snapshot();
        Json j = new Json().object().field("time", now).name("updated").array();
        List<Endpoint> endpoints = changed.stream().sorted().map(id -> snapshot.endpoint(id).orElse(null)).filter(Objects::nonNull).toList();
        endpoints.forEach(e -> j.raw(EndpointStatus.json(e, current)));
        j.end().name("lines").array();
        for (Endpoint e : endpoints) {
            String why = current.get(e.id());
            j.object().field("kind", why == null ? "readmitted" : "out").field("service", e.qualifiedName()).field("container", e.containerName())
                    .field("endpoint", ChangeFeed.address(e)).field("why", why).end();
        }
        verdicts = current;
        if (!endpoints.isEmpty()) {
            stream.publish("verdict", j.end().end().toString());
        }
    }

    /**
     * The strategies of every service, read again only when the catalog (installed names,
     * runtime choices) changed: a registry change sends its own services' strategies with
     * its event, so walking every endpoint each period would find nothing new, and under
     * churn it was that walk (and the compiler recompiling it) that cost.
     */
    private void publishStrategiesIfCatalogChanged() {
        StrategyCatalog catalog = view.strategies();
        List<Object> inputs = catalog == null ? List.of() : List.of(catalog, new TreeSet<>(catalog.names()), new HashMap<>(catalog.overrides()));
        if (inputs.equals(strategyInputs)) {
            return;
        }
        strategyInputs = inputs;
        publishIfChanged("strategies", () -> state.strategies(view.snapshot(), view.snapshot().endpoints()));
    }

    private void publishIfChanged(String type, java.util.function.Supplier<String> part) {
        String now = part.get();
        String before = parts.put(type, now);
        if (before != null && !before.equals(now)) {
            stream.publish(type, now);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
