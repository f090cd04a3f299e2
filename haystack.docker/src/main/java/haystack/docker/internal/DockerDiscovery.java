package haystack.docker.internal;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import com.github.dockerjava.transport.SSLConfig;
import haystack.api.discovery.DiscoveryPublisher;
import haystack.api.trace.Tracer;
import haystack.api.discovery.EndpointSource;
import haystack.api.discovery.SourceStatus;
import haystack.api.metrics.MetricsSource;
import haystack.api.metrics.MetricsWriter;
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
 * Docker discovery: one {@link EndpointSource} ({@code docker:<host uri>}) and one
 * {@link HostWatcher} per Docker host. Activation only checks the settings and starts the
 * watchers; an engine that is not there yet is retried in the background.
 */
@Component(configurationPid = "haystack.docker", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = {MetricsSource.class, SourceStatus.class})
@Designate(ocd = DockerDiscovery.Config.class)
public final class DockerDiscovery implements MetricsSource, SourceStatus {

    private static final Logger LOG = LoggerFactory.getLogger(DockerDiscovery.class);
    /** DOCKER_HOST=none: a node with no Docker source (seed 002's client host, fed by etcd). */
    static final String NO_DOCKER = "none";

    @ObjectClassDefinition(name = "Haystack Docker discovery", description = "Discovers services from Docker engines (SPEC §3)")
    public @interface Config {
        @AttributeDefinition(description = "Docker hosts (DOCKER_HOST, comma-separated): unix:///path or tcp://host:port; none: no Docker source")
        String[] hosts() default "unix:///var/run/docker.sock";

        @AttributeDefinition(description = "TLS with the client certificate in cert.path (DOCKER_TLS_VERIFY)")
        boolean tls_verify() default false;

        @AttributeDefinition(description = "Directory with ca.pem, cert.pem, key.pem (DOCKER_CERT_PATH); default ~/.docker")
        String cert_path() default "";

        @AttributeDefinition(description = "CA certificate, PEM contents (DOCKER_CA)")
        String tls_ca() default "";

        @AttributeDefinition(description = "Client certificate, PEM contents (DOCKER_CERT)")
        String tls_cert() default "";

        @AttributeDefinition(description = "Client private key, PEM contents, PKCS#8 or PKCS#1 RSA (DOCKER_KEY)")
        String tls_key() default "";

        @AttributeDefinition(description = "Advertised host addresses for published ports (HAYSTACK_ADDRESS)")
        String[] addresses() default {};

        @AttributeDefinition(description = "Register containers' published ports at the host address (HAYSTACK_DOCKER_PUBLISHED)")
        boolean published() default false;

        @AttributeDefinition(description = "Haystack's own container, never registered (HAYSTACK_SELF_CONTAINER): its id "
                + "(at least the 12-character short id) or name; empty: found from /proc/self/mountinfo, /proc/self/cgroup, the host name")
        String self_container() default "";
    }

    private final List<HostWatcher> watchers = new ArrayList<>();
    private final List<EndpointSource> sources = new ArrayList<>();

    public DockerDiscovery(DiscoveryPublisher publisher, Config config) {
        this(publisher, config, Tracer.OFF);
    }

    @Activate
    public DockerDiscovery(@Reference DiscoveryPublisher publisher, Config config, @Reference Tracer tracer) {
        if (config.hosts().length == 1 && NO_DOCKER.equalsIgnoreCase(config.hosts()[0].trim())) {
            LOG.info("docker discovery off: DOCKER_HOST=none");
            return;
        }
        List<URI> hosts = new ArrayList<>();
        for (String h : config.hosts()) {
            if (!h.isBlank()) {
                hosts.add(DockerClients.parseHost(h));
            }
        }
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("haystack.docker hosts (DOCKER_HOST) is empty: name at least one engine");
        }
        List<InetAddress> advertised = new ArrayList<>();
        for (String a : config.addresses()) {
            InetAddress ip = a.isBlank() ? null : EngineFacts.literal(a.trim());
            if (ip == null && !a.isBlank()) {
                throw new IllegalArgumentException("haystack.docker addresses (HAYSTACK_ADDRESS) value '" + a + "' is not an IP address");
            }
            if (ip != null) {
                advertised.add(ip);
            }
        }
        SSLConfig tls = PemTls.from(config.tls_verify(), config.cert_path(), config.tls_ca(), config.tls_cert(), config.tls_key());
        OwnContainer own = OwnContainer.detect(config.self_container());
        PortNames portNames = PortNames.iana();
        for (URI host : hosts) {
            String id = "docker:" + host;
            EndpointSource source = publisher.openUnsynchronised(id);
            sources.add(source);
            ContainerEndpoints rules = new ContainerEndpoints(id, host.toString(), portNames, config.published(), advertised, own);
            watchers.add(new HostWatcher(host.toString(), () -> DockerClients.create(host, tls), source, rules).tracing(tracer).start());
        }
        LOG.info("docker discovery started hosts={} tls={} published={} addresses={} self={}", hosts, tls != null, config.published(),
                advertised, own);
    }

    @Override
    public String kind() {
        return "docker";
    }

    /** Each configured engine and whether its event stream is open now. */
    @Override
    public List<Host> hosts() {
        return watchers.stream().map(w -> new Host(w.host(), w.connected())).toList();
    }

    /** Engine events and reconnections by host, for /metrics. */
    @Override
    public void collect(MetricsWriter w) {
        w.family("haystack_docker_events_total", MetricsWriter.Type.COUNTER, "Docker engine events received, by host");
        watchers.forEach(h -> w.sample("haystack_docker_events_total", h.events(), "host", h.host()));
        w.family("haystack_docker_reconnects_total", MetricsWriter.Type.COUNTER, "Connections made again after a Docker engine was lost, by host");
        watchers.forEach(h -> w.sample("haystack_docker_reconnects_total", h.reconnects(), "host", h.host()));
    }

    @Deactivate
    void deactivate() {
        watchers.forEach(HostWatcher::close);
        sources.forEach(EndpointSource::close);
        LOG.info("docker discovery stopped");
    }
}
