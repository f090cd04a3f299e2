package haystack.file.internal;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import haystack.api.HealthCheck;
import haystack.api.ServiceNames;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns the text of one service file into a {@link ServiceFile}, or rejects it with the
 * line at fault. The YAML is composed into nodes, never constructed into objects: no
 * type is ever instantiated, an alias is a shared node rather than a copy (so a
 * "billion laughs" costs nothing), and every node keeps its line for the message.
 * SnakeYAML's own limits bound what composing may cost: aliases, nesting, code points.
 * Strict: an unknown key, a duplicate key, a custom tag or one bad endpoint rejects the
 * whole file, so a typo never half-applies.
 */
final class ServiceFileParser {

    static final int MAX_ALIASES = 50;
    static final int MAX_NESTING = 10;
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    static final Duration MAX_INTERVAL = Duration.ofHours(1);

    private static final Set<String> KEYS = Set.of("endpoints", "port", "strategy", "health", "aliases", "tcp");
    private static final Set<String> HEALTH_KEYS = Set.of("path", "interval");
    private static final Set<Tag> PLAIN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.SEQ, Tag.MAP);
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)?");

    private final int maxCodePoints;

    /**
     * Every plain scalar is a string: values are only ever read as text here, and matching
     * each against YAML 1.1's int, float, bool and timestamp patterns is most of the cost
     * of a file of 100,000 endpoints (and reads {@code 1:20} as a number).
     */
    private static final class StringsOnly extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            // none
        }
    }

    ServiceFileParser(int maxCodePoints) {
        this.maxCodePoints = maxCodePoints;
    }

    ServiceFile parse(String service, String text) throws RejectedFile {
        Node root = compose(text);
        if (root == null) {
            throw new RejectedFile(1, "empty file: expected a mapping with 'endpoints'");
        }
        MappingNode map = mapping(root, "the file");
        List<HostPort> endpoints = null;
        String portName = ServiceFile.DEFAULT_PORT_NAME;
        String strategy = null;
        HealthCheck health = null;
        Set<String> aliases = Set.of();
        int tcpPort = 0;
        for (NodeTuple t : entries(map)) {
            Node value = t.getValueNode();
            switch (key(t)) {
                case "endpoints" -> endpoints = endpoints(value);
                case "port" -> portName = label(value, "port");
                case "strategy" -> strategy = label(value, "strategy");
                case "health" -> health = health(value);
                case "aliases" -> aliases = aliases(value);
                case "tcp" -> tcpPort = tcpPort(value);
                default -> throw new IllegalStateException("unreachable: keys are checked in entries()");
            }
        }
        if (endpoints == null) {
            throw new RejectedFile(line(root), "no 'endpoints' list");
        }
        return new ServiceFile(service, endpoints, portName, strategy, health, aliases, tcpPort);
    }

    private Node compose(String text) throws RejectedFile {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(maxCodePoints);
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        options.setTagInspector(tag -> false);
        try {
            // what Yaml.compose does, without the constructor and representer a Yaml builds
            // (tables of types this parser never makes): they were most of a small file's cost
            return new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options), new StringsOnly(), options).getSingleNode();
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new RejectedFile(mark == null ? 0 : mark.getLine() + 1, oneLine(e.getProblem() != null ? e.getProblem() : e.getMessage()));
        } catch (ReaderException e) {
            throw new RejectedFile(lineAt(text, e.getPosition()), String.format("character U+%04X is not allowed in YAML", e.getCodePoint()));
        } catch (YAMLException e) {
            String reason = oneLine(String.valueOf(e.getMessage()));
            throw new RejectedFile(reason.contains("aliases") ? aliasOverLimitLine(options, text) : 0, reason);
        }
    }

    /**
     * The line of the first alias to a list or mapping past the limit: SnakeYAML's alias
     * check has no position, so the events are walked again (cheap: events expand nothing).
     */
    private static int aliasOverLimitLine(LoaderOptions options, String text) {
        DumperOptions dumper = new DumperOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, new StringsOnly());
        Set<String> collections = new HashSet<>();
        int aliases = 0;
        try {
            for (Event event : yaml.parse(new StringReader(text))) {
                if (event instanceof CollectionStartEvent start && start.getAnchor() != null) {
                    collections.add(start.getAnchor());
                } else if (event instanceof AliasEvent alias && collections.contains(alias.getAnchor()) && ++aliases > MAX_ALIASES) {
                    return alias.getStartMark() == null ? 0 : alias.getStartMark().getLine() + 1;
                }
            }
        } catch (YAMLException e) {
            // the line stays unknown
        }
        return 0;
    }

    /** The mapping's entries, each key checked: plain, known, once. */
    private static List<NodeTuple> entries(MappingNode map) throws RejectedFile {
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : map.getValue()) {
            String key = key(t);
            if (!KEYS.contains(key)) {
                throw new RejectedFile(line(t.getKeyNode()), "unknown key '" + key + "'; known: endpoints, port, strategy, health, aliases, tcp");
            }
            if (!seen.add(key)) {
                throw new RejectedFile(line(t.getKeyNode()), "duplicate key '" + key + "'");
            }
        }
        return map.getValue();
    }

    private static String key(NodeTuple t) throws RejectedFile {
        return scalar(t.getKeyNode(), "a key");
    }

    private static List<HostPort> endpoints(Node node) throws RejectedFile {
        SequenceNode list = sequence(node, "endpoints");
        List<HostPort> out = new ArrayList<>(list.getValue().size());
        Set<HostPort> seen = new HashSet<>();
        for (Node item : list.getValue()) {
            HostPort hp;
            try {
                hp = HostPort.parse(scalar(item, "an endpoint"));
            } catch (IllegalArgumentException e) {
                throw new RejectedFile(line(item), "endpoint " + e.getMessage());
            }
            if (!seen.add(hp)) {
                throw new RejectedFile(line(item), "endpoint " + hp + " is listed twice");
            }
            out.add(hp);
        }
        return out;
    }

    private static HealthCheck health(Node node) throws RejectedFile {
        MappingNode map = mapping(node, "health");
        String path = null;
        Duration interval = HealthCheck.DEFAULT_INTERVAL;
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : map.getValue()) {
            String key = key(t);
            if (!HEALTH_KEYS.contains(key)) {
                throw new RejectedFile(line(t.getKeyNode()), "unknown key 'health." + key + "'; known: path, interval");
            }
            if (!seen.add(key)) {
                throw new RejectedFile(line(t.getKeyNode()), "duplicate key 'health." + key + "'");
            }
            Node value = t.getValueNode();
            if (key.equals("path")) {
                path = scalar(value, "health.path");
                if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                    throw new RejectedFile(line(value), "health.path '" + path + "' must start with '/' and have no spaces or controls");
                }
            } else {
                interval = interval(value);
            }
        }
        return new HealthCheck(path, interval, HealthCheck.DEFAULT_RISE, HealthCheck.DEFAULT_FALL);
    }

    /** {@code 500ms}, {@code 2s}, {@code 1m}, {@code 5} (seconds), within 100ms to 1h. */
    private static Duration interval(Node node) throws RejectedFile {
        String raw = scalar(node, "health.interval").toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(raw);
        Duration d = null;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
        if (d == null || d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0) {
            throw new RejectedFile(line(node), "health.interval '" + raw + "' is not a duration from 100ms to 1h such as 500ms, 2s, 1m");
        }
        return d;
    }

    /** The load balancer's TCP listener port for the service (SPEC §5a): a number 1-65535. */
    private static int tcpPort(Node node) throws RejectedFile {
        String raw = scalar(node, "tcp");
        if (raw.matches("[0-9]{1,5}")) {
            int port = Integer.parseInt(raw);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        throw new RejectedFile(line(node), "tcp '" + raw + "' is not a port number 1-65535");
    }

    private static Set<String> aliases(Node node) throws RejectedFile {
        Set<String> out = new LinkedHashSet<>();
        for (Node item : sequence(node, "aliases").getValue()) {
            String host = scalar(item, "an alias").toLowerCase(Locale.ROOT);
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
            boolean ok = host.length() <= 253;
            for (String label : host.split("\\.", -1)) {
                ok &= ServiceNames.isValidLabel(label);
            }
            if (!ok) {
                throw new RejectedFile(line(item), "alias '" + host + "' is not a host name (letters, digits, hyphens, dots)");
            }
            out.add(host);
        }
        return out;
    }

    /** A port name or strategy: one DNS label, as written (lower case). */
    private static String label(Node node, String what) throws RejectedFile {
        String value = scalar(node, what);
        if (!ServiceNames.isValidLabel(value)) {
            throw new RejectedFile(line(node), what + " '" + value + "' is not a name of lower-case letters, digits and hyphens");
        }
        return value;
    }

    private static String scalar(Node node, String what) throws RejectedFile {
        plain(node);
        if (!(node instanceof ScalarNode s)) {
            throw new RejectedFile(line(node), what + " must be a single value, not a " + kind(node));
        }
        if (s.getTag().equals(Tag.NULL) || s.getValue().isBlank()) {
            throw new RejectedFile(line(node), what + " is empty");
        }
        return s.getValue().trim();
    }

    private static SequenceNode sequence(Node node, String what) throws RejectedFile {
        plain(node);
        if (!(node instanceof SequenceNode s)) {
            throw new RejectedFile(line(node), what + " must be a list, not a " + kind(node));
        }
        return s;
    }

    private static MappingNode mapping(Node node, String what) throws RejectedFile {
        plain(node);
        if (!(node instanceof MappingNode m)) {
            throw new RejectedFile(line(node), what + " must be a mapping of keys to values, not a " + kind(node));
        }
        return m;
    }

    /** Only YAML's own core tags: a custom or merge tag ({@code !x}, {@code <<}) is refused. */
    private static void plain(Node node) throws RejectedFile {
        if (!PLAIN_TAGS.contains(node.getTag())) {
            throw new RejectedFile(line(node), "tag '" + node.getTag().getValue() + "' is not allowed");
        }
    }

    private static String kind(Node node) {
        return switch (node.getNodeId()) {
            case scalar -> "single value";
            case sequence -> "list";
            case mapping -> "mapping";
            default -> node.getNodeId().name();
        };
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static int lineAt(String text, int codePointIndex) {
        int line = 1;
        int i = 0;
        for (int cp = 0; i < text.length() && cp < codePointIndex; cp++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
            i += Character.charCount(text.codePointAt(i));
        }
        return line;
    }

    private static String oneLine(String message) {
        String s = message.replaceAll("\\s+", " ").trim();
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
