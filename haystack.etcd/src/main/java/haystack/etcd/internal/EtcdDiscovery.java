package haystack.etcd.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import haystack.api.Registry;
import haystack.api.RegistryListener;
import haystack.api.discovery.DiscoveryPublisher;
import haystack.api.discovery.SourceStatus;
import haystack.api.metrics.MetricsSource;
import haystack.api.metrics.MetricsWriter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several hosts, one namespace (SPEC §6a): with etcd endpoints configured, publishes this
 * node's endpoints to etcd and takes the other nodes' in as discovery sources, through an
 * {@link EtcdSync}. Without them (the default) it does nothing and registers nothing.
 * While on, it is a {@link RegistryListener} (to publish changes), a {@link SourceStatus}
 * (the etcd connection on /api/info) and a {@link MetricsSource}; on or off, it serves
 * {@code haystack:etcd} ({@link EtcdCommand}).
 */
@Component(configurationPid = "haystack.etcd", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true, service = {})
@Designate(ocd = EtcdDiscovery.Config.class)
public final class EtcdDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdDiscovery.class);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

    @ObjectClassDefinition(name = "Haystack etcd", description = "A registry shared by several hosts through etcd (SPEC §6a)")
    public @interface Config {
        @AttributeDefinition(description = "etcd v3 endpoints (HAYSTACK_ETCD, comma-separated http://host:port); none: off")
        String[] endpoints() default {};

        @AttributeDefinition(description = "Key prefix (HAYSTACK_ETCD_PREFIX): keys are <prefix>/<service>/<node>/<endpoint id>")
        String prefix() default "/haystack";

        @AttributeDefinition(description = "Lease TTL in seconds (HAYSTACK_ETCD_TTL): a node that dies vanishes after it")
        int ttl() default 10;

        @AttributeDefinition(description = "This node's name (HAYSTACK_NODE); empty: the host name")
        String node() default "";

        @AttributeDefinition(description = "Also write SkyDNS's layout for this domain (HAYSTACK_ETCD_SKYDNS, e.g. highhock.local); empty: not")
        String skydns() default "";
    }

    private final EtcdSync sync;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    public EtcdDiscovery(BundleContext context, Config config, @Reference DiscoveryPublisher publisher, @Reference Registry registry) {
        List<URI> endpoints = endpoints(config.endpoints());
        if (endpoints.isEmpty()) {
            sync = null;
            registrations.add(context.registerService(EtcdCommand.class, new EtcdCommand(null, "", ""), new Hashtable<>(EtcdCommand.PROPERTIES)));
            LOG.info("etcd off: set HAYSTACK_ETCD to share the registry with other hosts");
            return;
        }
        if (config.ttl() < 1) {
            throw new IllegalArgumentException("haystack.etcd ttl (HAYSTACK_ETCD_TTL) " + config.ttl() + " is not a positive number of seconds");
        }
        String node = config.node().isBlank() ? hostName() : config.node().trim();
        EtcdKeys keys = new EtcdKeys(config.prefix());
        SkyDnsLayout skydns = config.skydns().isBlank() ? null : new SkyDnsLayout(config.skydns());
        sync = open(new EtcdClient(endpoints, REQUEST_TIMEOUT), keys, node, config.ttl(), registry, publisher, skydns);
        LOG.info("etcd discovery started endpoints={} prefix={} ttl={} node={} skydns={}", endpoints, keys.prefix(), config.ttl(), node,
                skydns == null ? "off" : skydns.domain());
        registrations.add(context.registerService(RegistryListener.class, change -> sync.registryChanged(), null));
        registrations.add(context.registerService(SourceStatus.class, status(sync), null));
        registrations.add(context.registerService(MetricsSource.class, metrics(sync), new Hashtable<>(Map.of())));
        registrations.add(context.registerService(EtcdCommand.class, new EtcdCommand(sync, node, keys.prefix()),
                new Hashtable<>(EtcdCommand.PROPERTIES)));
    }

    /** The sync of one node, started. Outside OSGi, tests make nodes with this. */
    static EtcdSync open(EtcdClient client, EtcdKeys keys, String node, long ttl, Registry registry, DiscoveryPublisher publisher) {
        return open(client, keys, node, ttl, registry, publisher, null);
    }

    static EtcdSync open(EtcdClient client, EtcdKeys keys, String node, long ttl, Registry registry, DiscoveryPublisher publisher,
            SkyDnsLayout skydns) {
        return new EtcdSync(client, keys, node, ttl, registry::snapshot, new RemoteEndpoints(publisher, keys, node), skydns).start();
    }

    /** Parses the endpoint list: http://host:port each (https is not offered: the JDK client would need the CA). */
    static List<URI> endpoints(String[] values) {
        List<URI> out = new ArrayList<>();
        for (String v : values) {
            String t = v.trim();
            if (t.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(t.endsWith("/") ? t : t + "/");
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || !"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
                throw new IllegalArgumentException("haystack.etcd endpoints (HAYSTACK_ETCD) value '" + v
                        + "' is not allowed: use http://host:port");
            }
            out.add(uri);
        }
        return out;
    }

    /** The host name: $HOSTNAME, /etc/hostname, else what the resolver says of this host. */
    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            String file = Files.readString(Path.of("/etc/hostname")).trim();
            if (!file.isEmpty()) {
                return file;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static SourceStatus status(EtcdSync sync) {
        return new SourceStatus() {
            @Override
            public String kind() {
                return "etcd";
            }

            @Override
            public List<Host> hosts() {
                return List.of(new Host(sync.endpoint().toString(), sync.connected()));
            }
        };
    }

    private static MetricsSource metrics(EtcdSync sync) {
        return (MetricsWriter w) -> {
            w.family("haystack_etcd_connected", MetricsWriter.Type.GAUGE, "1 while this node is in step with etcd");
            w.sample("haystack_etcd_connected", sync.connected() ? 1 : 0, "endpoint", sync.endpoint().toString());
            w.family("haystack_etcd_lease_ttl_seconds", MetricsWriter.Type.GAUGE, "TTL granted to this node's lease (0: none held)");
            w.sample("haystack_etcd_lease_ttl_seconds", sync.lease() == 0 ? 0 : sync.leaseTtl());
            w.family("haystack_etcd_resyncs_total", MetricsWriter.Type.COUNTER, "Full reads and republications of the prefix");
            w.sample("haystack_etcd_resyncs_total", sync.resyncs());
            w.family("haystack_etcd_writes_total", MetricsWriter.Type.COUNTER, "Keys this node wrote or deleted, by operation");
            w.sample("haystack_etcd_writes_total", sync.puts(), "op", "put");
            w.sample("haystack_etcd_writes_total", sync.deletes(), "op", "delete");
            w.family("haystack_etcd_watch_events_total", MetricsWriter.Type.COUNTER, "Events received on the watch of the prefix");
            w.sample("haystack_etcd_watch_events_total", sync.watchEvents());
            w.family("haystack_etcd_node_endpoints", MetricsWriter.Type.GAUGE, "Endpoints learned from each other node");
            sync.nodes().forEach((node, count) -> w.sample("haystack_etcd_node_endpoints", count, "node", node));
        };
    }

    @Deactivate
    void deactivate() {
        registrations.forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // unregistered with the bundle already
            }
        });
        if (sync != null) {
            sync.close();
            LOG.info("etcd discovery stopped");
        }
    }
}
