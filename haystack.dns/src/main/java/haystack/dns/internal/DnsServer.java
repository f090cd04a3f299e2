package haystack.dns.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import haystack.api.ReadinessGate;
import haystack.api.Registry;
import haystack.api.RegistryChange;
import haystack.api.RegistryListener;
import haystack.api.RegistrySnapshot;
import haystack.api.metrics.MetricsSource;
import haystack.api.metrics.MetricsWriter;
import haystack.api.trace.Tracer;
import haystack.api.zone.ZoneProvider;
import haystack.dns.internal.forward.Forwarder;
import haystack.dns.internal.forward.Upstreams;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Haystack's DNS server (SPEC §4): UDP and TCP on every bind address, the origin's apex,
 * the zones of every {@link ZoneProvider} service (added and removed while running), and
 * forwarding of everything else.
 */
@Component(service = { MetricsSource.class, RegistryListener.class, ReadinessGate.class }, immediate = true, configurationPid = "haystack.dns",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DnsServer.Config.class)
public final class DnsServer implements MetricsSource, RegistryListener, ReadinessGate {

    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);

    @ObjectClassDefinition(name = "Haystack DNS", description = "The DNS server for services and containers")
    public @interface Config {
        @AttributeDefinition(description = "UDP and TCP port (HAYSTACK_DNS_PORT)")
        int port() default 53;

        @AttributeDefinition(description = "Addresses to listen on (HAYSTACK_DNS_BIND)")
        String[] bind() default { "0.0.0.0", "::" };

        @AttributeDefinition(description = "The domain Haystack owns (HAYSTACK_ORIGIN)")
        String origin() default "haystack";

        @AttributeDefinition(description = "TTL of owned records, seconds (HAYSTACK_DNS_TTL)")
        int ttl() default 5;

        @AttributeDefinition(description = "Upstream name servers, host[:port]; empty: resolv.conf (DNS_NAMESERVERS)")
        String[] nameservers() default {};

        @AttributeDefinition(description = "CIDR blocks of clients whose other names are forwarded (HAYSTACK_DNS_ALLOW)")
        String[] allow() default { "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
            "100.64.0.0/10", "169.254.0.0/16", "fc00::/7", "fe80::/10" };

        @AttributeDefinition(description = "Addresses in service A/AAAA records; empty: the host's (HAYSTACK_ADDRESS)")
        String[] addresses() default {};

        @AttributeDefinition(description = "UDP worker threads per bind address (HAYSTACK_DNS_WORKERS)")
        int workers() default 2;

        @AttributeDefinition(description = "Longest wait for upstreams before SERVFAIL, ms (HAYSTACK_DNS_FORWARD_TIMEOUT)")
        int forward_timeout() default 3000;

        @AttributeDefinition(description = "Most TCP connections at once; when full the idlest is closed (HAYSTACK_DNS_TCP_MAX_CONNECTIONS)")
        int tcp_max_connections() default 128;

        @AttributeDefinition(description = "Most TCP connections from one client address, 0: no limit (HAYSTACK_DNS_TCP_MAX_PER_CLIENT)")
        int tcp_max_per_client() default 32;

        @AttributeDefinition(description = "A TCP connection without a complete message for this long is closed, ms (HAYSTACK_DNS_TCP_IDLE_TIMEOUT)")
        int tcp_idle_timeout() default 10_000;

        @AttributeDefinition(description = "Largest UDP answer, bytes 512-1232, never above what the client advertises (HAYSTACK_DNS_UDP_MAX)")
        int udp_max() default 1232;

        @AttributeDefinition(description = "UDP responses per second per client network (/24, /56), 0: no limit (HAYSTACK_DNS_RRL)")
        int rrl() default 0;

        @AttributeDefinition(description = "Every Nth rate-limited response is sent truncated, 0: none (HAYSTACK_DNS_RRL_SLIP)")
        int rrl_slip() default 2;
    }

    private final QueryMetrics metrics = new QueryMetrics();
    private final List<ZoneProvider> providers = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> transports = new ArrayList<>();
    private volatile Authority authority;
    private volatile Forwarder forwarder;
    private volatile ZoneWarmer warmer;
    private int port;

    @Reference
    private Registry registry;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Tracer tracer;

    public DnsServer() {
    }

    /** A server outside OSGi (tests, benchmarks): call {@link #start(DnsSettings)}. */
    public DnsServer(Registry registry) {
        this.registry = registry;
    }

    @Activate
    void activate(Config config) throws IOException {
        start(DnsSettings.from(config));
    }

    /** Binds every transport; on failure closes what was bound and throws, naming the port. */
    public synchronized void start(DnsSettings settings) throws IOException {
        Authority a = new Authority(settings.origin(), AdvertisedAddresses.resolve(settings.addresses()));
        a.zones(ZoneTable.of(settings.origin(), providers));
        authority = a;
        List<InetAddress> bind = BindAddresses.effective(settings.bind());
        Forwarder forwarder = new Forwarder(Upstreams.choose(settings.nameservers(), Path.of("/etc/resolv.conf"),
                bind, settings.port()), settings.forwardTimeoutMillis(), name -> a.owns(Names.key(name)));
        this.forwarder = forwarder;
        Tracer t = tracer;
        QueryHandler handler = new QueryHandler(registry, a, settings.ttl(), forwarder, settings.allow(), t == null ? Tracer.OFF : t, metrics,
                settings.limits());
        port = settings.port();
        // Port 0 (tests, benchmarks) takes a free UDP port and the same TCP port, which a
        // client socket may hold already: then try another.
        int attempts = settings.port() == 0 ? 10 : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                bindAll(bind, settings, handler);
                break;
            } catch (IOException e) {
                stop();
                if (attempt < attempts) {
                    LOG.info("dns port given up port={} attempt={} reason={}", port, attempt, e.getMessage());
                }
                port = settings.port();
                if (attempt >= attempts) {
                    throw e; // names the port and the reason: haystack.config's StartupReport logs it in one line
                }
            }
        }
        warmer = new ZoneWarmer(registry::snapshot, () -> authority);
        LOG.info("dns server started origin={} port={} ttl={} upstreams={} zones={}", settings.origin(), port,
                settings.ttl(), forwarder.upstreams(), a.zones().size());
    }

    private void bindAll(List<InetAddress> bind, DnsSettings settings, QueryHandler handler) throws IOException {
        ResponseRateLimiter limiter = new ResponseRateLimiter(settings.limits().rrl(), settings.limits().rrlSlip());
        for (InetAddress address : bind) {
            UdpTransport udp = new UdpTransport(address, port, settings.workers(), handler, limiter);
            transports.add(udp);
            port = udp.port();
            transports.add(new TcpTransport(address, port, handler, settings.limits()));
        }
    }

    /** Queries by type and response code and their durations, for /metrics. */
    @Override
    public void collect(MetricsWriter writer) {
        metrics.collect(writer);
        Forwarder f = forwarder;
        if (f != null) {
            f.collect(writer);
        }
    }

    /** Indexes the zones for the new snapshot on the warmer's thread, never on the dispatcher's. */
    @Override
    public void registryChanged(RegistryChange change) {
        ZoneWarmer w = warmer;
        if (w != null) {
            w.wake();
        }
    }

    /**
     * Haystack is ready only once the zones are indexed for the registry as it is then, so
     * the first queries after GET /ready says 200 do not wait for an index of 100,000 names.
     */
    @Override
    public boolean catchUp(RegistrySnapshot snapshot, Duration timeout) throws InterruptedException {
        ZoneWarmer w = warmer;
        return w == null || w.awaitWarmed(snapshot, timeout);
    }

    /** The last snapshot the zones were indexed for ahead of queries; null before the first. */
    RegistrySnapshot warmed() {
        ZoneWarmer w = warmer;
        return w == null ? null : w.warmed();
    }

    /** The port bound (the chosen one when configured as 0). */
    public int port() {
        return port;
    }

    @Deactivate
    public synchronized void stop() {
        for (AutoCloseable t : transports) {
            try {
                t.close();
            } catch (Exception e) {
                LOG.warn("dns transport close failed error={}", e.toString());
            }
        }
        transports.clear();
        ZoneWarmer w = warmer;
        if (w != null) {
            w.close();
            warmer = null;
        }
        Forwarder f = forwarder;
        if (f != null) {
            f.close();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addZoneProvider(ZoneProvider provider) {
        providers.add(provider);
        rebuild();
        LOG.info("dns zone provider added provider={} zones={}", provider.getClass().getName(), zonesOf(provider));
    }

    public void removeZoneProvider(ZoneProvider provider) {
        providers.remove(provider);
        rebuild();
        LOG.info("dns zone provider removed provider={} zones={}", provider.getClass().getName(), zonesOf(provider));
    }

    private synchronized void rebuild() {
        Authority a = authority;
        if (a != null) {
            a.zones(ZoneTable.of(a.origin(), providers));
            ZoneWarmer w = warmer;
            if (w != null) {
                w.wake();
            }
        }
    }

    private static String zonesOf(ZoneProvider p) {
        try {
            return String.valueOf(p.zones());
        } catch (RuntimeException e) {
            return "?";
        }
    }

}
