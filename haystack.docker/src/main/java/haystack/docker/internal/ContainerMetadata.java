package haystack.docker.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import haystack.api.Endpoint;
import haystack.api.HealthCheck;
import haystack.api.ServiceNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The discovery rules of SPEC §3 read from one container's image, name, labels and
 * environment: haystack.* labels first, then Registrator's SERVICE_* (label or env), then
 * HighHock's DISCOVER, then the defaults (image basename, name without trailing -N).
 * A value that cannot be used is logged once (container, key, value) and ignored, so bad
 * metadata never stops discovery.
 */
public record ContainerMetadata(boolean enabled, List<ServicePort> services, String group,
        Map<Integer, String> portNames, Set<Integer> ignoredPorts, Set<String> tags, Set<String> aliases,
        String path, String strategy, int weight, HealthCheck healthCheck, String network, Boolean published,
        TcpListen tcp) {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerMetadata.class);
    private static final Pattern GROUP_SUFFIX = Pattern.compile("^(.+?)[-_][0-9]+$");
    private static final Pattern PORT_LABEL = Pattern.compile("^haystack\\.port\\.([0-9]+)$");
    private static final Pattern TCP_LABEL = Pattern.compile("^haystack\\.tcp\\.([0-9]+)$");
    private static final Pattern SERVICE_PORT = Pattern.compile("^SERVICE_([0-9]+)_(NAME|IGNORE)$");
    private static final Pattern DURATION = Pattern.compile("^([0-9]+)(ms|s|m|h)?$");

    /**
     * The load balancer's TCP listeners asked for (SPEC §5a): {@code haystack.tcp=<listen port>}
     * for a container's only TCP port ({@code whole}, or 0), {@code haystack.tcp.<container port>=<listen port>}
     * per port ({@code byPort}).
     */
    public record TcpListen(int whole, Map<Integer, Integer> byPort) {
        static final TcpListen NONE = new TcpListen(0, Map.of());
    }

    /** A service to register: at {@code port} only (DISCOVER), or at every port when null. */
    public record ServicePort(String service, Integer port) {
    }

    /** Reads the rules from {@code c}; never throws for bad metadata. */
    public static ContainerMetadata of(ContainerFacts c, MetadataWarnings warnings) {
        Reader r = new Reader(c, warnings);
        boolean enabled = r.enabled() && r.either("SERVICE_IGNORE") == null;
        Set<String> tags = r.list(r.either("SERVICE_TAGS"));
        Set<String> aliases = new LinkedHashSet<>();
        for (String tag : tags) {
            if (tag.startsWith("server_alias=")) {
                r.alias("SERVICE_TAGS", tag.substring("server_alias=".length())).ifPresent(aliases::add);
            }
        }
        for (String alias : r.list(r.label("haystack.alias"))) {
            r.alias("haystack.alias", alias).ifPresent(aliases::add);
        }
        List<ServicePort> services = r.services();
        String path = r.path(services, tags.contains("rest"));
        return new ContainerMetadata(enabled, services, r.group(), r.portNames(), r.ignoredPorts(), tags, aliases,
                path, r.strategy(), r.weight(), r.healthCheck(), blankToNull(r.label("haystack.network")), r.published(), r.tcp());
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

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Reads and validates one container's keys, logging what it has to ignore. */
    private static final class Reader {
        private final ContainerFacts c;
        private final MetadataWarnings warnings;

        Reader(ContainerFacts c, MetadataWarnings warnings) {
            this.c = c;
            this.warnings = warnings;
        }

        String label(String key) {
            return c.labels().get(key);
        }

        /** A Registrator setting: label first, then environment variable. */
        String either(String key) {
            String v = c.labels().get(key);
            return v != null ? v : c.env().get(key);
        }

        void ignored(String key, String value, String why) {
            if (warnings.first(c.id(), key, value)) {
                LOG.warn("ignoring container metadata container={} key={} value={} reason={}", c.name(), key, value, why);
            }
        }

        Set<String> list(String csv) {
            Set<String> out = new LinkedHashSet<>();
            if (csv != null) {
                for (String item : csv.split(",")) {
                    if (!item.isBlank()) {
                        out.add(item.trim());
                    }
                }
            }
            return out;
        }

        List<ServicePort> services() {
            String discover = c.env().get("DISCOVER");
            List<ServicePort> out = new ArrayList<>();
            if (discover != null) {
                for (String item : list(discover)) {
                    int colon = item.lastIndexOf(':');
                    Integer port = colon < 0 ? null : portNumber("DISCOVER", item.substring(colon + 1));
                    Optional<String> name = colon < 0 ? Optional.empty() : serviceName("DISCOVER", item.substring(0, colon));
                    if (port == null || name.isEmpty()) {
                        if (colon < 0) {
                            ignored("DISCOVER", item, "expected name:port");
                        }
                        continue;
                    }
                    out.add(new ServicePort(name.get(), port));
                }
                if (!out.isEmpty()) {
                    return out;
                }
            }
            Optional<String> name = Optional.empty();
            if (label("haystack.service") != null) {
                name = serviceName("haystack.service", label("haystack.service"));
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
            return out;
        }

        /** Each '/'-separated segment folded into a DNS label; empty (and logged) if one cannot be. */
        Optional<String> serviceName(String key, String raw) {
            StringBuilder out = new StringBuilder();
            for (String segment : raw.trim().split("/")) {
                if (segment.isEmpty()) {
                    continue;
                }
                Optional<String> label = ServiceNames.normalizeLabel(segment);
                if (label.isEmpty()) {
                    ignored(key, raw, "not a DNS name (letters, digits, hyphens; at most 63 per segment)");
                    return Optional.empty();
                }
                out.append(out.isEmpty() ? "" : "/").append(label.get());
            }
            if (out.isEmpty()) {
                ignored(key, raw, "empty service name");
                return Optional.empty();
            }
            return Optional.of(out.toString());
        }

        String group() {
            String explicit = label("haystack.group");
            if (explicit != null) {
                Optional<String> g = ServiceNames.normalizeLabel(explicit);
                if (g.isPresent()) {
                    return g.get();
                }
                ignored("haystack.group", explicit, "not a DNS label");
            }
            String rule = groupOf(c.name());
            return rule == null ? null : ServiceNames.normalizeLabel(rule).orElse(null);
        }

        Integer portNumber(String key, String raw) {
            try {
                int p = Integer.parseInt(raw.trim());
                if (p >= 1 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            ignored(key, raw, "not a port number 1-65535");
            return null;
        }

        Map<Integer, String> portNames() {
            Map<Integer, String> out = new HashMap<>();
            for (var e : c.env().entrySet()) {
                portName(SERVICE_PORT, e.getKey(), e.getValue(), out);
            }
            for (var e : c.labels().entrySet()) {
                portName(SERVICE_PORT, e.getKey(), e.getValue(), out);
            }
            for (var e : c.labels().entrySet()) {
                portName(PORT_LABEL, e.getKey(), e.getValue(), out);
            }
            return out;
        }

        private void portName(Pattern pattern, String key, String value, Map<Integer, String> out) {
            Matcher m = pattern.matcher(key);
            if (!m.matches() || (m.groupCount() > 1 && !"NAME".equals(m.group(2)))) {
                return;
            }
            Integer port = portNumber(key, m.group(1));
            Optional<String> name = ServiceNames.normalizeLabel(value);
            if (name.isEmpty()) {
                ignored(key, value, "not a DNS label");
            } else if (port != null) {
                out.put(port, name.get());
            }
        }

        Set<Integer> ignoredPorts() {
            Set<Integer> out = new LinkedHashSet<>();
            for (Map<String, String> m : List.of(c.env(), c.labels())) {
                for (String key : m.keySet()) {
                    Matcher x = SERVICE_PORT.matcher(key);
                    if (x.matches() && "IGNORE".equals(x.group(2))) {
                        Integer port = portNumber(key, x.group(1));
                        if (port != null) {
                            out.add(port);
                        }
                    }
                }
            }
            return out;
        }

        Optional<String> alias(String key, String raw) {
            String host = raw.trim().toLowerCase(Locale.ROOT);
            for (String label : host.split("\\.", -1)) {
                if (!ServiceNames.isValidLabel(label)) {
                    ignored(key, raw, "not a host name");
                    return Optional.empty();
                }
            }
            return Optional.of(host);
        }

        String path(List<ServicePort> services, boolean rest) {
            String raw = label("haystack.path");
            if (raw != null) {
                String p = raw.trim();
                if (p.startsWith("/") && !p.contains(" ")) {
                    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
                }
                ignored("haystack.path", raw, "a path prefix starts with '/'");
            }
            return rest && !services.isEmpty() ? ServiceNames.httpPath(services.get(0).service()) : null;
        }

        String strategy() {
            String raw = label("haystack.strategy");
            if (raw == null) {
                return null;
            }
            String s = raw.trim().toLowerCase(Locale.ROOT);
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
                    int w = Integer.parseInt(raw.trim());
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
                if (rawPath.trim().startsWith("/")) {
                    path = rawPath.trim();
                } else {
                    ignored("haystack.health.path", rawPath, "a path starts with '/'");
                }
            }
            Duration interval = null;
            if (rawInterval != null) {
                interval = duration(rawInterval);
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

        private Duration duration(String raw) {
            Matcher m = DURATION.matcher(raw.trim().toLowerCase(Locale.ROOT));
            try {
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    String unit = m.group(2) == null ? "s" : m.group(2);
                    Duration d = switch (unit) {
                        case "ms" -> Duration.ofMillis(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofSeconds(n);
                    };
                    return d.isZero() ? null : d;
                }
                Duration d = Duration.parse(raw.trim());
                return d.isNegative() || d.isZero() ? null : d;
            } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
                return null;
            }
        }

        /** {@code haystack.enable}: false, 0, no or off turn discovery off; anything else but true, 1, yes, on is logged. */
        boolean enabled() {
            String raw = label("haystack.enable");
            if (raw == null) {
                return true;
            }
            String v = raw.trim().toLowerCase(Locale.ROOT);
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
