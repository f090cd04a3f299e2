package haystack.docker.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Traefik's (v2/v3) Docker labels as route hints: each router's {@code rule} made of
 * {@code Host(...)} and {@code PathPrefix(...)} matchers joined by {@code ||} gives
 * aliases and path prefixes; {@code traefik.http.services.<s>.loadbalancer.server.port}
 * the routed port; {@code traefik.enable=false} opts out. Every other matcher or
 * operator ({@code &&}, {@code !}, {@code Path}, {@code Headers}…) and every other
 * {@code traefik.*} label is logged as not used.
 */
final class TraefikLabels {

    static final String ENABLE = "traefik.enable";
    private static final Pattern RULE = Pattern.compile("^traefik\\.http\\.routers\\.([^.]+)\\.rule$");
    private static final Pattern SERVER_PORT = Pattern.compile("^traefik\\.http\\.services\\.([^.]+)\\.loadbalancer\\.server\\.port$");
    /** Longest rule parsed; Traefik users write a few hosts, not kilobytes. */
    static final int MAX_RULE = 4096;

    private TraefikLabels() {
    }

    static RouteHints read(Map<String, String> labels, MetadataComplaints log) {
        Boolean enabled = null;
        Set<String> hosts = new LinkedHashSet<>();
        List<String> paths = new ArrayList<>();
        Integer port = null;
        // sorted, so several routers or services are read in the same order every time
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            String key = e.getKey();
            if (!key.startsWith("traefik.")) {
                continue;
            }
            String value = e.getValue();
            Matcher rule = RULE.matcher(key);
            Matcher serverPort = SERVER_PORT.matcher(key);
            if (key.equals(ENABLE)) {
                String v = value.strip().toLowerCase(Locale.ROOT);
                if (v.equals("false")) {
                    enabled = false;
                } else if (v.equals("true")) {
                    enabled = true;
                } else {
                    log.complain(key, value, "not true or false; registering");
                }
            } else if (rule.matches()) {
                rule(key, value, hosts, paths, log);
            } else if (serverPort.matches()) {
                Optional<Integer> p = ValueChecks.port(value);
                if (p.isEmpty()) {
                    log.complain(key, value, "not a port number 1-65535; routing the default port");
                } else if (port == null) {
                    port = p.get();
                } else if (!port.equals(p.get())) {
                    log.complain(key, value, "one routed port per container; routing port " + port);
                }
            } else {
                log.complain(key, value, "not used by Haystack");
            }
        }
        return new RouteHints(enabled, hosts, paths, port);
    }

    /** Adds a rule's hosts and path prefixes; logs what it cannot express. */
    static void rule(String key, String rule, Set<String> hosts, List<String> paths, MetadataComplaints log) {
        if (rule.length() > MAX_RULE) {
            log.complain(key, rule, "rule longer than " + MAX_RULE + " characters; not routed");
            return;
        }
        List<String> terms;
        try {
            terms = RuleScanner.disjuncts(rule);
        } catch (IllegalArgumentException e) {
            log.complain(key, rule, e.getMessage() + "; rule not routed");
            return;
        }
        for (String term : terms) {
            RuleScanner.Matcher m;
            try {
                m = RuleScanner.matcher(term);
            } catch (IllegalArgumentException e) {
                log.complain(key, term, "unsupported (" + e.getMessage() + "): Haystack reads Host(...) and PathPrefix(...) joined by ||");
                continue;
            }
            for (String arg : m.args()) {
                if (m.name().equals("Host")) {
                    Optional<String> h = ValueChecks.host(arg);
                    if (h.isPresent()) {
                        hosts.add(h.get());
                    } else {
                        log.complain(key, arg, "not a host name; not routed");
                    }
                } else {
                    Optional<String> p = ValueChecks.pathPrefix(arg);
                    if (p.isPresent()) {
                        paths.add(p.get());
                    } else {
                        log.complain(key, arg, "not a path prefix starting with '/'; not routed");
                    }
                }
            }
        }
    }
}
