package haystack.docker.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import haystack.api.Endpoint;
import haystack.api.HealthCheck;
import haystack.api.ServiceNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The discovery rules of SPEC §3 read from one container's image, name, labels and
 * environment: haystack.* labels first, then Registrator's SERVICE_* (label or env, with
 * Registrator's meaning: {@code SERVICE_<port>_NAME} is the service name of that port),
 * HighHock's DISCOVER (also spelt DISCOVERY), nginx-proxy's VIRTUAL_* and Traefik's
 * labels, then the defaults (image basename, name without trailing -N). A value that
 * cannot be used as written is logged once (container, key, value, what was done
 * instead), so bad metadata never stops discovery and nothing is renamed silently.
 */
public record ContainerMetadata(boolean enabled, List<ServicePort> services, String group,
        Map<Integer, String> portNames, Set<Integer> ignoredPorts, Set<String> tags, Map<Integer, Set<String>> portTags,
        Set<String> aliases, String path, String strategy, int weight, HealthCheck healthCheck,
        Map<Integer, HealthCheck> portChecks, RouteHints routing, String network, Boolean published, TcpListen tcp) {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerMetadata.class);
    private static final Pattern GROUP_SUFFIX = Pattern.compile("^(.+?)[-_][0-9]+$");
    private static final Pattern PORT_LABEL = Pattern.compile("^haystack\\.port\\.([0-9]+)$");
    private static final Pattern SERVICE_PORT = Pattern.compile("^SERVICE_([0-9]+)_([A-Z_]+)$");
    private static final Pattern TCP_LABEL = Pattern.compile("^haystack\\.tcp\\.([0-9]+)$");

    /**
     * The load balancer's TCP listeners asked for (SPEC §5a): {@code haystack.tcp=<listen port>}
     * for a container's only TCP port ({@code whole}, or 0), {@code haystack.tcp.<container port>=<listen port>}
     * per port ({@code byPort}).
     */
    public record TcpListen(int whole, Map<Integer, Integer> byPort) {
        static final TcpListen NONE = new TcpListen(0, Map.of());
    }
    private static final int MAX_LIST = 256;

    /** A service to register: at {@code port} only (DISCOVER, SERVICE_<port>_NAME), or at every other port when null. */
    public record ServicePort(String service, Integer port) {
    }

    /** The tags of {@code port}: its {@code SERVICE_<port>_TAGS} if set, else {@code SERVICE_TAGS}. */
    public Set<String> tagsOf(int port) {
        return portTags.getOrDefault(port, tags);
    }

    /** Extra host names: {@code server_alias=} tags of the port, haystack.alias, VIRTUAL_HOST, Traefik Host(). */
    public Set<String> aliasesOf(int port) {
        Set<String> out = new LinkedHashSet<>(aliases);
        for (String tag : tagsOf(port)) {
            if (tag.startsWith("server_alias=")) {
                ValueChecks.host(tag.substring("server_alias=".length())).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The path prefix: haystack.path, VIRTUAL_PATH or Traefik PathPrefix; else {@code /<service>} for a {@code rest} tag. */
    public String pathOf(int port, String service) {
        if (path != null) {
            return path;
        }
        return tagsOf(port).contains("rest") ? ServiceNames.httpPath(service) : null;
    }

    /** haystack.health.* labels, else Registrator's SERVICE_[<port>_]CHECK_*. */
    public HealthCheck healthCheckOf(int port) {
        return healthCheck != null ? healthCheck : portChecks.get(port);
    }

    /** Reads the rules from {@code c}; never throws for bad metadata. */
    public static ContainerMetadata of(ContainerFacts c, MetadataWarnings warnings) {
        return of(c, warnings, (key, value, instead) -> { });
    }

    /** As {@link #of(ContainerFacts, MetadataWarnings)}; {@code logged} hears each line that is logged, once. */
    static ContainerMetadata of(ContainerFacts c, MetadataWarnings warnings, MetadataComplaints logged) {
        Reader r = new Reader(c, warnings, logged);
        RouteHints nginx = NginxProxyEnv.read(c.env(), r::ignored);
        RouteHints traefik = TraefikLabels.read(c.labels(), r::ignored);
        boolean enabled = r.enabled() && r.either("SERVICE_IGNORE") == null && !Boolean.FALSE.equals(traefik.enabled());
        Set<String> tags = r.tags(r.eitherKey("SERVICE_TAGS"));
        Set<String> aliases = new LinkedHashSet<>(); // server_alias tags are per port: aliasesOf
        for (String alias : r.list(r.label("haystack.alias"))) {
            r.alias("haystack.alias", alias).ifPresent(aliases::add);
        }
        aliases.addAll(nginx.hosts());
        aliases.addAll(traefik.hosts());
        RouteHints routing = new RouteHints(traefik.enabled(), aliases, concat(nginx.paths(), traefik.paths()),
                nginx.port() != null ? nginx.port() : traefik.port());
        Map<Integer, Set<String>> portTags = r.portTags();
        return new ContainerMetadata(enabled, r.services(), r.group(), r.portNames(), r.ignoredPorts(), tags, portTags,
                aliases, r.path(routing.paths()), r.strategy(), r.weight(), r.healthCheck(), r.portChecks(), routing,
                blankToNull(r.label("haystack.network")), r.published(), r.tcp());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The group rule: {@code web-001} → {@code web}, {@code shop-web_1} → {@code shop-web}; null without a number. */
    public static String groupOf(String containerName) {
        Matcher m = GROUP_SUFFIX.matcher(containerName);
        return m.matches() ? m.group(1) : null;
    }

    /** {@code registry:5000/team/nginx:1.9@sha256:…} → {@code nginx}; null for an image id. */
    public static String imageBasename(String image) {
        String s = image;
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        if (s.startsWith("sha256:")) {
            return null;
        }
        s = s.substring(s.lastIndexOf('/') + 1);
        int colon = s.indexOf(':');
        if (colon >= 0) {
            s = s.substring(0, colon);
        }
        return s.isEmpty() ? null : s;
    }

    /**
     * A service name as written, lower-cased (DNS and Host names are case-insensitive):
     * '/'-separated segments of '.'-separated labels; {@code serviceA.prod} stays
     * {@code servicea.prod}. A label DNS cannot carry is folded ({@code my_app} →
     * {@code my-app}); {@code renamed} hears of any change but case.
     *
     * @return empty when nothing usable is left
     */
    static Optional<String> serviceName(String raw, java.util.function.Consumer<String> renamed) {
        if (raw == null || raw.length() > 4 * ServiceNames.MAX_SERVICE_LENGTH) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder();
        for (String segment : raw.strip().split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            StringBuilder seg = new StringBuilder();
            for (String label : segment.split("\\.")) {
                if (label.isEmpty()) {
                    continue;
                }
                Optional<String> l = ServiceNames.normalizeLabel(label);
                if (l.isEmpty()) {
                    return Optional.empty();
                }
                seg.append(seg.isEmpty() ? "" : ".").append(l.get());
            }
            if (!seg.isEmpty()) {
                out.append(out.isEmpty() ? "" : "/").append(seg);
            }
        }
        String name = out.toString();
        if (!ServiceNames.isValidService(name)) {
            return Optional.empty();
        }
        if (!name.equalsIgnoreCase(raw.strip())) {
            renamed.accept(name);
        }
        return Optional.of(name);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Reads and validates one container's keys, logging what it has to ignore. */
    private static final class Reader {
        private final ContainerFacts c;
        private final MetadataWarnings warnings;
        private final MetadataComplaints logged;

        Reader(ContainerFacts c, MetadataWarnings warnings, MetadataComplaints logged) {
            this.c = c;
            this.warnings = warnings;
            this.logged = logged;
        }

        String label(String key) {
            return c.labels().get(key);
        }

        /** A Registrator setting: label first, then environment variable. */
        String either(String key) {
            String v = c.labels().get(key);
            return v != null ? v : c.env().get(key);
        }

        /** {@code [key, value]} of a Registrator setting, or null. */
        String[] eitherKey(String key) {
            String v = either(key);
            return v == null ? null : new String[] { key, v };
        }

        /** A port's Registrator setting: {@code SERVICE_<port>_<suffix>}, else {@code SERVICE_<suffix>}; as [key, value]. */
        String[] forPort(int port, String suffix) {
            String[] specific = eitherKey("SERVICE_" + port + "_" + suffix);
            return specific != null ? specific : eitherKey("SERVICE_" + suffix);
        }

        void ignored(String key, String value, String why) {
            if (warnings.first(c.id(), key, value)) {
                LOG.warn("ignoring container metadata container={} key={} value={} reason={}", c.name(), key,
                        ValueChecks.printable(value), why);
                logged.complain(key, value, why);
            }
        }

        void renamed(String key, String value, String used) {
            if (warnings.first(c.id(), key, value)) {
                LOG.warn("container metadata used as changed container={} key={} value={} used={} reason=not a DNS name as written",
                        c.name(), key, ValueChecks.printable(value), used);
                logged.complain(key, value, "used as " + used);
            }
        }

        Set<String> list(String csv) {
            Set<String> out = new LinkedHashSet<>();
            if (csv != null) {
                for (String item : csv.split(",", MAX_LIST + 1)) {
                    if (!item.isBlank() && out.size() < MAX_LIST) {
                        out.add(item.strip());
                    }
                }
            }
            return out;
        }

        Set<String> tags(String[] kv) {
            if (kv == null) {
                return Set.of();
            }
            Set<String> out = list(kv[1]);
            for (String tag : out) {
                if (tag.startsWith("server_alias=")) {
                    alias(kv[0], tag.substring("server_alias=".length()));
                }
            }
            return out;
        }

        Map<Integer, Set<String>> portTags() {
            Map<Integer, Set<String>> out = new HashMap<>();
            registratorPortKeys("TAGS", (port, kv) -> out.put(port, tags(kv)));
            return out;
        }

        Map<Integer, HealthCheck> portChecks() {
            Set<Integer> ports = new LinkedHashSet<>();
            c.ports().forEach(p -> ports.add(p.port()));
            registratorPortKeys(null, (port, kv) -> ports.add(port));
            Map<Integer, HealthCheck> out = new HashMap<>();
            for (int port : ports) {
                HealthCheck hc = RegistratorChecks.of(suffix -> forPort(port, suffix), this::ignored);
                if (hc != null) {
                    out.put(port, hc);
                }
            }
            return out;
        }

        /** Calls {@code each} with the port and [key, value] of every {@code SERVICE_<port>_<suffix>} (any suffix when null). */
        private void registratorPortKeys(String suffix, java.util.function.BiConsumer<Integer, String[]> each) {
            Map<String, String> merged = new TreeMap<>(c.env());
            merged.putAll(c.labels()); // labels win, as in either()
            for (var e : merged.entrySet()) {
                Matcher m = SERVICE_PORT.matcher(e.getKey());
                if (m.matches() && (suffix == null || suffix.equals(m.group(2)))) {
                    Integer port = portNumber(e.getKey(), m.group(1));
                    if (port != null) {
                        each.accept(port, new String[] { e.getKey(), e.getValue() });
                    }
                }
            }
        }

        String discover() {
            String discover = c.env().get("DISCOVER");
            String typo = c.env().get("DISCOVERY");
            if (discover != null && typo != null && !typo.equals(discover)) {
                ignored("DISCOVERY", typo, "DISCOVER is set too; using DISCOVER");
            }
            // seed 004's README spells it DISCOVERY in one place: read as DISCOVER
            return discover != null ? discover : typo;
        }

        List<ServicePort> services() {
            String discover = discover();
            String discoverKey = c.env().get("DISCOVER") != null ? "DISCOVER" : "DISCOVERY";
            List<ServicePort> out = new ArrayList<>();
            if (discover != null) {
                for (String item : list(discover)) {
                    int colon = item.lastIndexOf(':');
                    if (colon < 0) {
                        ignored(discoverKey, item, "expected name:port");
                        continue;
                    }
                    Integer port = portNumber(discoverKey, item.substring(colon + 1));
                    Optional<String> name = serviceName(discoverKey, item.substring(0, colon));
                    if (port != null && name.isPresent()) {
                        out.add(new ServicePort(name.get(), port));
                    }
                }
                if (!out.isEmpty()) {
                    registratorPortKeys("NAME", (port, kv) -> ignored(kv[0], kv[1], discoverKey + " names the services; using " + discover));
                    return out;
                }
            }
            Optional<String> name = Optional.empty();
            String explicit = label("haystack.service");
            if (explicit != null) {
                name = serviceName("haystack.service", explicit);
            }
            if (name.isEmpty() && either("SERVICE_NAME") != null) {
                name = serviceName("SERVICE_NAME", either("SERVICE_NAME"));
            }
            if (name.isEmpty()) {
                String base = imageBasename(c.image());
                name = base == null ? Optional.empty() : serviceName("image", base);
            }
            if (name.isEmpty()) {
                String g = groupOf(c.name());
                name = serviceName("name", g == null ? c.name() : g);
            }
            name.ifPresent(n -> out.add(new ServicePort(n, null)));
            // Registrator: SERVICE_<port>_NAME is the service name of that port
            registratorPortKeys("NAME", (port, kv) -> {
                if (explicit != null) {
                    ignored(kv[0], kv[1], "label haystack.service names every port; using " + explicit);
                    return;
                }
                serviceName(kv[0], kv[1]).ifPresent(n -> out.add(new ServicePort(n, port)));
            });
            return out;
        }

        /** A service name kept as written (lower case); empty, and logged, when it cannot be a DNS name. */
        Optional<String> serviceName(String key, String raw) {
            Optional<String> name = ContainerMetadata.serviceName(raw, used -> renamed(key, raw, used));
            if (name.isEmpty()) {
                ignored(key, raw, "not a DNS name (letters, digits, hyphens; at most 63 per label, "
                        + ServiceNames.MAX_SERVICE_LENGTH + " in all)");
            }
            return name;
        }

        String group() {
            String explicit = label("haystack.group");
            if (explicit != null) {
                Optional<String> g = ServiceNames.normalizeLabel(explicit);
                if (g.isPresent()) {
                    if (!g.get().equalsIgnoreCase(explicit.strip())) {
                        renamed("haystack.group", explicit, g.get());
                    }
                    return g.get();
                }
                ignored("haystack.group", explicit, "not a DNS label");
            }
            String rule = groupOf(c.name());
            if (rule == null) {
                return null;
            }
            Optional<String> g = ServiceNames.normalizeLabel(rule);
            if (g.isEmpty()) {
                ignored("name", c.name(), "its group is not a DNS label; no group");
            } else if (!g.get().equalsIgnoreCase(rule)) {
                renamed("name", c.name(), "group " + g.get());
            }
            return g.orElse(null);
        }

        Integer portNumber(String key, String raw) {
            Optional<Integer> p = ValueChecks.port(raw);
            if (p.isEmpty()) {
                ignored(key, raw, "not a port number 1-65535");
            }
            return p.orElse(null);
        }

        /** haystack.port.<port>=<name>: the name of a container port. */
        Map<Integer, String> portNames() {
            Map<Integer, String> out = new HashMap<>();
            for (var e : new TreeMap<>(c.labels()).entrySet()) {
                Matcher m = PORT_LABEL.matcher(e.getKey());
                if (!m.matches()) {
                    continue;
                }
                Integer port = portNumber(e.getKey(), m.group(1));
                Optional<String> name = ServiceNames.normalizeLabel(e.getValue());
                if (name.isEmpty()) {
                    ignored(e.getKey(), e.getValue(), "not a DNS label; using the IANA name");
                } else if (port != null) {
                    if (!name.get().equalsIgnoreCase(e.getValue().strip())) {
                        renamed(e.getKey(), e.getValue(), name.get());
                    }
                    out.put(port, name.get());
                }
            }
            return out;
        }

        Set<Integer> ignoredPorts() {
            Set<Integer> out = new LinkedHashSet<>();
            registratorPortKeys("IGNORE", (port, kv) -> out.add(port));
            return out;
        }

        Optional<String> alias(String key, String raw) {
            Optional<String> host = ValueChecks.host(raw);
            if (host.isEmpty()) {
                ignored(key, raw, "not a host name; not routed");
            }
            return host;
        }

        String path(List<String> hinted) {
            String raw = label("haystack.path");
            if (raw != null) {
                Optional<String> p = ValueChecks.pathPrefix(raw);
                if (p.isPresent()) {
                    return p.get();
                }
                ignored("haystack.path", raw, "a path prefix starts with '/'");
            }
            if (hinted.isEmpty()) {
                return null;
            }
            for (String other : hinted.subList(1, hinted.size())) {
                ignored("path", other, "one path prefix per container; routing " + hinted.get(0));
            }
            return hinted.get(0);
        }

        String strategy() {
            String raw = label("haystack.strategy");
            if (raw == null) {
                return null;
            }
            String s = raw.strip().toLowerCase(Locale.ROOT);
            if (ServiceNames.isValidLabel(s)) {
                return s;
            }
            ignored("haystack.strategy", raw, "not a strategy name");
            return null;
        }

        int weight() {
            String raw = label("haystack.weight");
            if (raw != null) {
                try {
                    int w = Integer.parseInt(raw.strip());
                    if (w >= 0) {
                        return w;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                ignored("haystack.weight", raw, "not a whole number >= 0; using " + Endpoint.DEFAULT_WEIGHT);
            }
            return Endpoint.DEFAULT_WEIGHT;
        }

        HealthCheck healthCheck() {
            String rawPath = label("haystack.health.path");
            String rawInterval = label("haystack.health.interval");
            String path = null;
            if (rawPath != null) {
                if (rawPath.strip().startsWith("/")) {
                    path = rawPath.strip();
                } else {
                    ignored("haystack.health.path", rawPath, "a path starts with '/'");
                }
            }
            Duration interval = null;
            if (rawInterval != null) {
                interval = RegistratorChecks.duration(rawInterval);
                if (interval == null) {
                    ignored("haystack.health.interval", rawInterval, "not a positive duration such as 5s, 500ms, 1m; using "
                            + HealthCheck.DEFAULT_INTERVAL.toSeconds() + "s");
                }
            }
            if (path == null && interval == null) {
                return null;
            }
            return new HealthCheck(path, interval == null ? HealthCheck.DEFAULT_INTERVAL : interval,
                    HealthCheck.DEFAULT_RISE, HealthCheck.DEFAULT_FALL);
        }

        /** {@code haystack.enable}: false, 0, no or off turn discovery off; anything else but true, 1, yes, on is logged. */
        boolean enabled() {
            String raw = label("haystack.enable");
            if (raw == null) {
                return true;
            }
            String v = raw.strip().toLowerCase(Locale.ROOT);
            if (List.of("false", "0", "no", "off").contains(v)) {
                return false;
            }
            if (!List.of("true", "1", "yes", "on").contains(v)) {
                ignored("haystack.enable", raw, "not true or false; registering");
            }
            return true;
        }

        TcpListen tcp() {
            Integer whole = null;
            String raw = label("haystack.tcp");
            if (raw != null) {
                whole = portNumber("haystack.tcp", raw);
            }
            Map<Integer, Integer> byPort = new HashMap<>();
            for (var e : c.labels().entrySet()) {
                Matcher m = TCP_LABEL.matcher(e.getKey());
                if (m.matches()) {
                    Integer port = portNumber(e.getKey(), m.group(1));
                    Integer listen = portNumber(e.getKey(), e.getValue());
                    if (port != null && listen != null) {
                        byPort.put(port, listen);
                    }
                }
            }
            return whole == null && byPort.isEmpty() ? TcpListen.NONE : new TcpListen(whole == null ? 0 : whole, Map.copyOf(byPort));
        }

        Boolean published() {
            String raw = label("haystack.published");
            if (raw == null) {
                return null;
            }
            if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
                return Boolean.valueOf(raw.toLowerCase(Locale.ROOT));
            }
            ignored("haystack.published", raw, "not true or false");
            return null;
        }
    }
}
