package haystack.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One reachable address of one service (SPEC §2): a container's port on one network.
 * Immutable; change one with {@link #toBuilder()}.
 *
 * <p>{@link #id()} identifies the endpoint across changes: the same source, container,
 * network, port and protocol keep the same id while health, draining or labels change.
 */
public final class Endpoint {

    public static final int DEFAULT_WEIGHT = 1;

    private final String id;
    private final String service;
    private final String group;
    private final String containerId;
    private final String containerName;
    private final InetAddress address;
    private final int port;
    private final Protocol protocol;
    private final String portName;
    private final String network;
    private final Map<String, String> labels;
    private final Set<String> tags;
    private final Set<String> aliases;
    private final String path;
    private final String strategy;
    private final int weight;
    private final HealthCheck healthCheck;
    private final Health health;
    private final boolean draining;
    private final String source;
    private final String host;
    private final int tcpPort;

    private Endpoint(Builder b) {
        if (!ServiceNames.isValidService(b.service)) {
            throw new IllegalArgumentException("service name '" + b.service + "' is not made of valid DNS labels");
        }
        if (b.group != null && !ServiceNames.isValidLabel(b.group)) {
            throw new IllegalArgumentException("group '" + b.group + "' is not a valid DNS label");
        }
        Objects.requireNonNull(b.containerId, "containerId");
        Objects.requireNonNull(b.address, "address");
        if (b.port < 1 || b.port > 65535) {
            throw new IllegalArgumentException("port " + b.port + " is outside 1-65535");
        }
        if (b.weight < 0) {
            throw new IllegalArgumentException("weight " + b.weight + " is negative");
        }
        if (b.tcpPort < 0 || b.tcpPort > 65535) {
            throw new IllegalArgumentException("tcp listen port " + b.tcpPort + " is outside 1-65535 (0: none)");
        }
        if (b.path != null && !b.path.startsWith("/")) {
            throw new IllegalArgumentException("path prefix '" + b.path + "' must start with '/'");
        }
        this.service = b.service;
        this.group = b.group;
        this.containerId = b.containerId;
        this.containerName = b.containerName == null ? b.containerId : b.containerName;
        this.address = b.address;
        this.port = b.port;
        this.protocol = Objects.requireNonNull(b.protocol, "protocol");
        this.portName = b.portName == null ? "port-" + b.port : b.portName;
        this.network = b.network == null ? "" : b.network;
        this.labels = Map.copyOf(b.labels);
        this.tags = Set.copyOf(b.tags);
        this.aliases = Set.copyOf(b.aliases);
        this.path = b.path;
        this.strategy = b.strategy;
        this.weight = b.weight;
        this.healthCheck = b.healthCheck;
        this.health = Objects.requireNonNull(b.health, "health");
        this.draining = b.draining;
        this.source = b.source == null ? "" : b.source;
        this.host = b.host == null ? "" : b.host;
        this.tcpPort = b.tcpPort;
        this.id = source + "/" + containerId + "/" + network + "/" + address.getHostAddress() + "/" + port + "/" + protocol.label();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Stable identity: source, container, network, address, port and protocol. */
    public String id() {
        return id;
    }

    /** Service name as written, segments separated by '/': {@code nginx}, {@code hello/v1}. */
    public String service() {
        return service;
    }

    /** The group (container name without its trailing -N), or null. */
    public String group() {
        return group;
    }

    /** The service's name under the services zone: {@code v1.hello}, or {@code web.nginx} when grouped. */
    public String qualifiedName() {
        String dns = ServiceNames.dnsName(service);
        return group == null ? dns : group + "." + dns;
    }

    public String containerId() {
        return containerId;
    }

    /** Short (12 character) container id as Docker prints it. */
    public String shortContainerId() {
        return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    }

    public String containerName() {
        return containerName;
    }

    public InetAddress address() {
        return address;
    }

    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    public int port() {
        return port;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** IANA service name of the port ({@code http}, {@code http-alt}, {@code redis}) or {@code port-N}. */
    public String portName() {
        return portName;
    }

    /** Docker network the address belongs to; empty for published host ports. */
    public String network() {
        return network;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public Set<String> tags() {
        return tags;
    }

    /** Extra host names routed to this service. */
    public Set<String> aliases() {
        return aliases;
    }

    /** Path prefix routed to this service on every host name (stripped), or null. */
    public String path() {
        return path;
    }

    /** Name of the balancing strategy asked for, or null for the default. */
    public String strategy() {
        return strategy;
    }

    public int weight() {
        return weight;
    }

    /** Active health check, or null when only Docker's health and passive checks apply. */
    public HealthCheck healthCheck() {
        return healthCheck;
    }

    public Health health() {
        return health;
    }

    /** Its container is stopping: no new requests, in-flight ones finish. */
    public boolean draining() {
        return draining;
    }

    /** Whether this endpoint may be given new traffic and appear in DNS answers. */
    public boolean isAvailable() {
        return !draining && health.servesTraffic();
    }

    /** Id of the discovery source that published this endpoint. */
    public String source() {
        return source;
    }

    /** The Docker host (engine URI) the container runs on; empty if not from Docker. */
    public String host() {
        return host;
    }

    /**
     * The port of the load balancer's TCP listener that relays to this endpoint (SPEC §5a,
     * label {@code haystack.tcp}), or 0 when it has none. The source resolves which of a
     * container's ports the label means, so published and network endpoints alike carry it.
     *
     * @since 1.2
     */
    public int tcpPort() {
        return tcpPort;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Endpoint e)) {
            return false;
        }
        return id.equals(e.id) && service.equals(e.service) && Objects.equals(group, e.group)
                && containerName.equals(e.containerName) && portName.equals(e.portName)
                && labels.equals(e.labels) && tags.equals(e.tags) && aliases.equals(e.aliases)
                && Objects.equals(path, e.path) && Objects.equals(strategy, e.strategy) && weight == e.weight
                && Objects.equals(healthCheck, e.healthCheck) && health == e.health && draining == e.draining
                && host.equals(e.host) && tcpPort == e.tcpPort;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, service, group, health, draining);
    }

    @Override
    public String toString() {
        return qualifiedName() + " " + containerName + " " + (isIpv6() ? "[" + address.getHostAddress() + "]" : address.getHostAddress())
                + ":" + port + "/" + protocol.label() + " " + portName + " " + health.label() + (draining ? " draining" : "");
    }

    /** Builds an {@link Endpoint}; {@code build()} checks the names, port and weight. */
    public static final class Builder {
        private String service;
        private String group;
        private String containerId;
        private String containerName;
        private InetAddress address;
        private int port;
        private Protocol protocol = Protocol.TCP;
        private String portName;
        private String network;
        private Map<String, String> labels = Map.of();
        private Set<String> tags = Set.of();
        private Set<String> aliases = Set.of();
        private String path;
        private String strategy;
        private int weight = DEFAULT_WEIGHT;
        private HealthCheck healthCheck;
        private Health health = Health.UNKNOWN;
        private boolean draining;
        private String source;
        private String host;
        private int tcpPort;

        private Builder() {
        }

        private Builder(Endpoint e) {
            service = e.service;
            group = e.group;
            containerId = e.containerId;
            containerName = e.containerName;
            address = e.address;
            port = e.port;
            protocol = e.protocol;
            portName = e.portName;
            network = e.network;
            labels = e.labels;
            tags = e.tags;
            aliases = e.aliases;
            path = e.path;
            strategy = e.strategy;
            weight = e.weight;
            healthCheck = e.healthCheck;
            health = e.health;
            draining = e.draining;
            source = e.source;
            host = e.host;
            tcpPort = e.tcpPort;
        }

        public Builder service(String service) { this.service = service; return this; }
        public Builder group(String group) { this.group = group; return this; }
        public Builder containerId(String containerId) { this.containerId = containerId; return this; }
        public Builder containerName(String containerName) { this.containerName = containerName; return this; }
        public Builder address(InetAddress address) { this.address = address; return this; }
        public Builder port(int port) { this.port = port; return this; }
        public Builder protocol(Protocol protocol) { this.protocol = protocol; return this; }
        public Builder portName(String portName) { this.portName = portName; return this; }
        public Builder network(String network) { this.network = network; return this; }
        public Builder labels(Map<String, String> labels) { this.labels = labels; return this; }
        public Builder tags(Set<String> tags) { this.tags = tags; return this; }
        public Builder aliases(Set<String> aliases) { this.aliases = aliases; return this; }
        public Builder path(String path) { this.path = path; return this; }
        public Builder strategy(String strategy) { this.strategy = strategy; return this; }
        public Builder weight(int weight) { this.weight = weight; return this; }
        public Builder healthCheck(HealthCheck healthCheck) { this.healthCheck = healthCheck; return this; }
        public Builder health(Health health) { this.health = health; return this; }
        public Builder draining(boolean draining) { this.draining = draining; return this; }
        public Builder source(String source) { this.source = source; return this; }
        public Builder host(String host) { this.host = host; return this; }
        public Builder tcpPort(int tcpPort) { this.tcpPort = tcpPort; return this; }

        public Endpoint build() {
            return new Endpoint(this);
        }
    }
}
