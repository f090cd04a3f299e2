package haystack.docker.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.Protocol;
import haystack.docker.internal.ContainerFacts.Attachment;
import haystack.docker.internal.ContainerFacts.Binding;
import haystack.docker.internal.ContainerFacts.Port;
import haystack.docker.internal.ContainerMetadata.ServicePort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one container's {@link ContainerFacts} into its endpoints (SPEC §3): one per
 * service, port and network attachment, on the container's IPv4 and IPv6 addresses; or,
 * in published-port mode, one per host binding of a published port at the advertised
 * address (or the binding's own address when it is bound to one, such as 127.0.0.1).
 * Haystack's own container ({@link OwnContainer}) has none, in every mode: its load
 * balancer would otherwise proxy to itself.
 * Pure: no Docker, no registry; the same facts always give the same endpoints.
 */
public final class ContainerEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerEndpoints.class);

    private final String source;
    private final String host;
    private final PortNames portNames;
    private final boolean published;
    private final List<InetAddress> advertised;
    private final OwnContainer own;
    /** Own containers already logged (one, or one per re-creation): each is logged once. */
    private final Set<String> ownLogged = ConcurrentHashMap.newKeySet();
    private final MetadataWarnings warnings = new MetadataWarnings();

    /**
     * @param published  register published ports at host addresses unless a container's
     *                   {@code haystack.published} label says otherwise
     * @param advertised host addresses for ports published on all interfaces
     */
    public ContainerEndpoints(String source, String host, PortNames portNames, boolean published, List<InetAddress> advertised) {
        this(source, host, portNames, published, advertised, OwnContainer.NONE);
    }

    /** @param own Haystack's own container, never registered */
    public ContainerEndpoints(String source, String host, PortNames portNames, boolean published, List<InetAddress> advertised,
            OwnContainer own) {
        this.source = source;
        this.host = host;
        this.portNames = portNames;
        this.published = published;
        this.advertised = List.copyOf(advertised);
        this.own = own;
    }

    /** The endpoints of {@code c}; empty when it is Haystack's own container, not running, paused or not enabled. */
    public List<Endpoint> endpoints(ContainerFacts c) {
        if (own.is(c)) {
            if (ownLogged.add(c.id())) {
                String id = c.containerId() != null ? c.containerId() : c.id();
                LOG.info("own container not registered container={} id={}", c.name(), id.length() > 12 ? id.substring(0, 12) : id);
            }
            return List.of();
        }
        if (!c.running()) {
            return List.of();
        }
        ContainerMetadata meta = ContainerMetadata.of(c, warnings);
        if (!meta.enabled()) {
            return List.of();
        }
        Health health = health(c.health());
        boolean usePublished = meta.published() != null ? meta.published() : published;
        List<Attachment> attachments = attachments(c, meta);
        Map<String, Endpoint> out = new LinkedHashMap<>();
        Integer routed = routedPort(c, meta);
        for (ServicePort sp : meta.services()) {
            List<Port> ports = ports(c, meta, sp);
            for (Port port : ports) {
                Endpoint.Builder base = Endpoint.builder().service(sp.service()).group(meta.group())
                        .containerId(c.id()).containerName(c.name()).labels(c.labels()).tags(meta.tagsOf(port.port()))
                        .aliases(meta.aliasesOf(port.port())).path(meta.pathOf(port.port(), sp.service()))
                        .strategy(meta.strategy()).weight(meta.weight())
                        .healthCheck(meta.healthCheckOf(port.port())).health(health).source(source).host(host);
                base.port(port.port()).protocol(port.protocol()).tcpPort(tcpListen(c, meta, ports, port))
                        .portName(portName(meta, port, routed));
                List<Binding> bindings = usePublished ? port.bindings() : List.of();
                int before = out.size();
                if (!bindings.isEmpty()) {
                    addPublished(c, base, port.port(), bindings, out);
                }
                if (out.size() == before) {
                    for (Attachment a : attachments) {
                        add(c, base.network(a.network()), a.ipv4(), port.port(), out);
                        add(c, base.network(a.network()), a.ipv6(), port.port(), out);
                    }
                }
            }
        }
        return List.copyOf(out.values());
    }

    /** haystack.port.<port>, else {@code http} for the port another proxy's labels route to, else the IANA name. */
    private String portName(ContainerMetadata meta, Port port, Integer routed) {
        String explicit = meta.portNames().get(port.port());
        if (explicit != null) {
            return explicit;
        }
        if (routed != null && routed == port.port() && port.protocol() == Protocol.TCP) {
            return "http";
        }
        return portNames.name(port.port(), port.protocol());
    }

    /**
     * The port nginx-proxy's or Traefik's settings route to, as they choose it: the one
     * given (VIRTUAL_PORT, loadbalancer.server.port), else the only exposed port, else 80.
     * Null when the container asks for no such routing.
     */
    private Integer routedPort(ContainerFacts c, ContainerMetadata meta) {
        RouteHints hints = meta.routing();
        if (!hints.routes() && hints.port() == null) {
            return null;
        }
        List<Integer> tcp = c.ports().stream().filter(p -> p.protocol() == Protocol.TCP).map(Port::port).distinct().toList();
        Integer port = hints.port() != null ? hints.port() : tcp.size() == 1 ? tcp.get(0) : tcp.contains(80) ? Integer.valueOf(80) : null;
        if (port == null || !tcp.contains(port)) {
            String why = port == null ? "several exposed ports and none is 80: set VIRTUAL_PORT or loadbalancer.server.port"
                    : "port " + port + " is not exposed";
            if (warnings.first(c.id(), "routed-port", String.valueOf(port))) {
                LOG.warn("ignoring container metadata container={} key=routed-port value={} reason={}; routing by port name only",
                        c.name(), port, why);
            }
            return null;
        }
        return port;
    }

    private void addPublished(ContainerFacts c, Endpoint.Builder base, int containerPort, List<Binding> bindings, Map<String, Endpoint> out) {
        boolean onEveryIpv4Address = bindings.stream().anyMatch(b -> b.hostIp() == null
                || (b.hostIp() instanceof java.net.Inet4Address && b.hostIp().isAnyLocalAddress()));
        for (Binding b : bindings) {
            // The engine publishes a port on [::] beside 0.0.0.0, sometimes at another host port:
            // both reach the same container port, so register it once.
            if (onEveryIpv4Address && b.hostIp() instanceof java.net.Inet6Address && b.hostIp().isAnyLocalAddress()) {
                continue;
            }
            List<InetAddress> addresses = b.hostIp() == null || b.hostIp().isAnyLocalAddress() ? advertised : List.of(b.hostIp());
            if (addresses.isEmpty() && warnings.first(c.id(), "published", containerPort + "->" + b.hostPort())) {
                LOG.warn("published port has no advertised address container={} port={} hostPort={} reason=set HAYSTACK_ADDRESS; using network addresses",
                        c.name(), containerPort, b.hostPort());
            }
            for (InetAddress address : addresses) {
                add(c, base.network(""), address, b.hostPort(), out);
            }
        }
        base.port(containerPort);
    }

    private void add(ContainerFacts c, Endpoint.Builder b, InetAddress address, int port, Map<String, Endpoint> out) {
        if (address == null) {
            return;
        }
        try {
            Endpoint e = b.address(address).port(port).build();
            out.putIfAbsent(e.id(), e);
        } catch (IllegalArgumentException | NullPointerException e) {
            if (warnings.first(c.id(), "endpoint", address.getHostAddress() + ":" + port)) {
                LOG.warn("skipping endpoint container={} address={} port={} reason={}", c.name(), address.getHostAddress(), port, e.getMessage());
            }
        }
    }

    /** The ports of {@code sp}: its own (DISCOVER, SERVICE_<port>_NAME), or every port no other entry claims; never an ignored one. */
    /**
     * The TCP listener port {@code port} asks for (0: none): its own {@code haystack.tcp.<port>}
     * label, else {@code haystack.tcp} when it is the service's only TCP port. With several
     * ports a bare {@code haystack.tcp} would be ambiguous: logged once and ignored.
     */
    private int tcpListen(ContainerFacts c, ContainerMetadata meta, List<Port> ports, Port port) {
        if (port.protocol() != Protocol.TCP) {
            return 0;
        }
        Integer own = meta.tcp().byPort().get(port.port());
        if (own != null) {
            return own;
        }
        if (meta.tcp().whole() == 0) {
            return 0;
        }
        long tcpPorts = ports.stream().filter(p -> p.protocol() == Protocol.TCP).count();
        if (tcpPorts == 1) {
            return meta.tcp().whole();
        }
        if (warnings.first(c.id(), "haystack.tcp", String.valueOf(meta.tcp().whole()))) {
            LOG.warn("ignoring container metadata container={} key=haystack.tcp value={} reason=the container has {} TCP ports; use haystack.tcp.<container port>",
                    c.name(), meta.tcp().whole(), tcpPorts);
        }
        return 0;
    }

    private static List<Port> ports(ContainerFacts c, ContainerMetadata meta, ServicePort sp) {
        if (sp.port() != null) {
            if (meta.ignoredPorts().contains(sp.port())) {
                return List.of();
            }
            for (Port p : c.ports()) {
                if (p.port() == sp.port() && p.protocol() == Protocol.TCP) {
                    return List.of(p);
                }
            }
            return List.of(Port.of(sp.port(), Protocol.TCP));
        }
        Set<Integer> claimed = new java.util.HashSet<>(meta.ignoredPorts());
        meta.services().stream().map(ServicePort::port).filter(java.util.Objects::nonNull).forEach(claimed::add);
        List<Port> out = new ArrayList<>();
        for (Port p : c.ports()) {
            if (!claimed.contains(p.port())) {
                out.add(p);
            }
        }
        return out;
    }

    private List<Attachment> attachments(ContainerFacts c, ContainerMetadata meta) {
        if (meta.network() == null) {
            return c.networks();
        }
        List<Attachment> chosen = c.networks().stream().filter(a -> a.network().equals(meta.network())).toList();
        if (chosen.isEmpty() && warnings.first(c.id(), "haystack.network", meta.network())) {
            LOG.warn("ignoring container metadata container={} key=haystack.network value={} reason=not attached to it; using {}",
                    c.name(), meta.network(), c.networks().stream().map(Attachment::network).toList());
        }
        return chosen.isEmpty() ? c.networks() : chosen;
    }

    /** Docker's HEALTHCHECK status: {@code starting}, {@code healthy}, {@code unhealthy}; none is unknown. */
    static Health health(String status) {
        if (status == null) {
            return Health.UNKNOWN;
        }
        return switch (status) {
            case "starting" -> Health.STARTING;
            case "healthy" -> Health.HEALTHY;
            case "unhealthy" -> Health.UNHEALTHY;
            default -> Health.UNKNOWN;
        };
    }
}
