package haystack.web.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

import haystack.api.Registry;
import haystack.api.RegistryChange;
import haystack.api.RegistryListener;
import haystack.api.RegistrySnapshot;
import haystack.api.discovery.SourceStatus;
import haystack.api.lb.EndpointVerdicts;
import haystack.api.lb.TcpListenerView;
import haystack.api.metrics.MetricsSource;
import haystack.api.strategy.StrategyCatalog;
import haystack.api.tls.CertificateStore;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The admin port (SPEC §8): JSON API, Prometheus /metrics and the dashboard, behind basic
 * auth when a user and password are set. Reads only haystack.api services: the registry,
 * the strategy catalog, every {@link MetricsSource} and {@link SourceStatus}. Hears
 * registry changes to keep the dashboard's feed.
 */
@Component(configurationPid = "haystack.web", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = RegistryListener.class)
@Designate(ocd = WebConfig.class)
public final class AdminServer implements RegistryListener, AdminView {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    static {
        // Undertow and XNIO log through their embedded jboss-logging: route it to slf4j.
        if (System.getProperty("org.jboss.logging.provider") == null) {
            System.setProperty("org.jboss.logging.provider", "slf4j");
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile List<MetricsSource> sources = List.of();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile List<SourceStatus> statuses = List.of();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile StrategyCatalog catalog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile EndpointVerdicts verdicts;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile TcpListenerView listeners;

    /** Optional: the HTTPS listener may not be installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile CertificateStore certificates;

    private final Registry registry;
    private final BundleContext context;
    private final WebConfig config;
    private final ChangeFeed feed;
    private final long started = System.currentTimeMillis();
    private final DashboardState state;
    private final EventStream events;
    private final TrafficSamples samples;
    private final LiveSampler sampler;
    private final XnioWorker worker;
    private final Undertow server;

    @Activate
    public AdminServer(@Reference Registry registry, BundleContext context, WebConfig config) throws IOException {
        this(registry, context, config, LiveSettings.DEFAULT);
    }

    AdminServer(Registry registry, BundleContext context, WebConfig config, LiveSettings live) throws IOException {
        this.registry = registry;
        this.context = context;
        this.config = config;
        if (config.port() < 0 || config.port() > 65535) {
            throw new IllegalArgumentException("haystack.web port (HAYSTACK_ADMIN_PORT) is " + config.port() + "; allowed: 1-65535");
        }
        this.feed = new ChangeFeed(config.changes_kept());
        this.state = new DashboardState(this, live.samplePeriodMillis());
        this.events = new EventStream(new EventRing(config.changes_kept(), started), state::full, live.maxPendingBytes(), live.heartbeatMillis());
        this.samples = new TrafficSamples(live.samplesKept(), live.maxServices());
        this.sampler = new LiveSampler(this, state, events, samples);
        HttpHandler root = new ReadinessHandler(() -> registry.snapshot().ready(),
                BasicAuth.wrap(config.user(), config.password(), new AdminHandler(this, new StaticFiles(), state, events, samples)));
        worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, 1)
                .set(Options.WORKER_TASK_CORE_THREADS, 1)
                .set(Options.WORKER_TASK_MAX_THREADS, 2)
                .set(Options.WORKER_NAME, "haystack-web")
                .getMap());
        server = Undertow.builder()
                .setWorker(worker)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 65536L)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                .addHttpListener(config.port(), config.bind(), root)
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            worker.shutdownNow();
            throw new IllegalStateException("cannot bind admin port " + config.port() + " on " + config.bind() + ": " + cause.getMessage(), e);
        }
        sampler.start(live.samplePeriodMillis());
        LOG.info("listening listener=admin port={} bind={} auth={}", port(), config.bind(),
                config.user().isEmpty() ? "off" : "basic user=" + config.user());
    }

    /** The port as bound (differs from the setting only when that is 0). */
    int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void registryChanged(RegistryChange change) {
        long now = System.currentTimeMillis();
        feed.record(change, now);
        RegistryEvents.Event e = RegistryEvents.of(change, now, state);
        if (e != null) {
            events.publish(e.type(), e.data());
        }
    }

    @Override
    public RegistrySnapshot snapshot() {
        return registry.snapshot();
    }

    @Override
    public StrategyCatalog strategies() {
        return catalog;
    }

    @Override
    public List<MetricsSource> metricsSources() {
        return sources;
    }

    @Override
    public List<SourceStatus> sourceStatuses() {
        return statuses;
    }

    @Override
    public Bundle[] bundles() {
        return context.getBundles();
    }

    @Override
    public String version() {
        return context.getBundle().getVersion().toString();
    }

    @Override
    public String origin() {
        return config.origin();
    }

    @Override
    public long startedMillis() {
        return started;
    }

    @Override
    public ChangeFeed changes() {
        return feed;
    }

    @Override
    public EndpointVerdicts verdicts() {
        return verdicts;
    }

    @Override
    public TcpListenerView listeners() {
        return listeners;
    }

    @Override
    public CertificateStore certificates() {
        return certificates;
    }

    /** Steps the live sampler now (tests). */
    void sample() {
        sampler.tick();
    }

    @Deactivate
    void close() {
        sampler.close();
        events.close();
        server.stop();
        worker.shutdownNow();
        LOG.info("stopped listener=admin");
    }
}
