package haystack.lb.internal.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import haystack.api.Endpoint;
import haystack.api.Protocol;
import haystack.api.RegistrySnapshot;

/**
 * The immutable routing of one listener (one port name): host names to routes, and path
 * prefixes to routes, longest first. Built on every registry or health change and read
 * without locks by every request.
 */
public final class RoutingTable {

    /** A path prefix routed to a service on every host. */
    public record PathRoute(String prefix, Route route) {
        boolean matches(String path) {
            return path.startsWith(prefix) && (path.length() == prefix.length() || prefix.endsWith("/") || path.charAt(prefix.length()) == '/');
        }
    }

    static final String HTTP = "http";
    static final String HTTP_ALT = "http-alt";

    /** The table before the first registry snapshot: nothing is known yet. */
    public static final RoutingTable EMPTY = new RoutingTable(Map.of(), Map.of(), List.of(), false);

    private final Map<String, Route> byService;
    private final Map<String, Route> byHost;
    private final List<PathRoute> byPath;
    private final boolean ready;

    private RoutingTable(Map<String, Route> byService, Map<String, Route> byHost, List<PathRoute> byPath, boolean ready) {
        this.byService = byService;
        this.byHost = byHost;
        this.byPath = byPath;
        this.ready = ready;
    }

    /** Whether the registry had seen every discovery source: before that a missing route is not yet a 404. */
    public boolean ready() {
        return ready;
    }

    /**
     * Builds the table of {@code portName} (http or http-alt) from a snapshot. Each
     * service's sequence counter is kept across rebuilds so round-robin keeps cycling.
     */
    public static RoutingTable build(RegistrySnapshot snapshot, String portName, String origin,
            Function<Endpoint, Backend> backends, Map<String, AtomicLong> sequences) {
        return build(snapshot, portName, origin, List.of(), backends, sequences);
    }

    /**
     * As above, also routing {@code <service>.<domain>} for each service domain
     * (HAYSTACK_DNS_DOMAINS), whose DNS answers lead HTTP clients here.
     */
    public static RoutingTable build(RegistrySnapshot snapshot, String portName, String origin, List<String> domains,
            Function<Endpoint, Backend> backends, Map<String, AtomicLong> sequences) {
        Map<String, List<Endpoint>> services = served(snapshot, servedPortNames(portName));
        Map<String, Route> byService = new HashMap<>();
        Map<String, Route> byHost = new HashMap<>();
        Map<String, Route> byPrefix = new HashMap<>();
        String suffix = ".services." + origin.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, List<Endpoint>> s : services.entrySet()) {
            String service = s.getKey();
            Route route = route(service, s.getValue(), backends, sequences.computeIfAbsent(service, k -> new AtomicLong()));
            byService.put(service, route);
            byHost.put(service.toLowerCase(Locale.ROOT) + suffix, route);
            for (String domain : domains) {
                byHost.putIfAbsent(service.toLowerCase(Locale.ROOT) + "." + normalHost(domain), route);
            }
            for (Endpoint e : s.getValue()) {
                for (String alias : e.aliases()) {
                    byHost.putIfAbsent(normalHost(alias), route);
                }
                if (e.path() != null) {
                    byPrefix.putIfAbsent(e.path(), route);
                }
            }
        }
        // The bare name as a Host (seed 003's clients ask for serviceB.prod through the proxy);
        // full names and aliases are explicit and win.
        byService.forEach((service, route) -> {
            if (routableBareName(service)) {
                byHost.putIfAbsent(service.toLowerCase(Locale.ROOT), route);
            }
        });
        List<PathRoute> byPath = new ArrayList<>();
        byPrefix.forEach((prefix, route) -> byPath.add(new PathRoute(prefix, route)));
        byPath.sort(Comparator.comparingInt((PathRoute p) -> p.prefix().length()).reversed().thenComparing(PathRoute::prefix));
        return new RoutingTable(Map.copyOf(byService), Map.copyOf(byHost), List.copyOf(byPath), snapshot.ready());
    }

    /**
     * The port names a listener serves, by preference: a service is served there by its
     * endpoints of the first of these names it has. Port 80 ({@code http}) also serves a
     * service that has no {@code http} endpoint but {@code http-alt} ones: users of
     * HAProxy and Consul (seed 003) reach every service on port 80 whatever port its
     * containers listen on ({@code http://serviceB.prod:80} for a container on 8080). A
     * service with an {@code http} endpoint keeps port 80 to those; port 8080 serves
     * {@code http-alt} endpoints only, as SPEC §5 says.
     */
    public static List<String> servedPortNames(String listener) {
        return HTTP.equals(listener) ? List.of(HTTP, HTTP_ALT) : List.of(listener);
    }

    /** Each service's endpoints (TCP) of the first of {@code portNames} it has, by qualified name, in snapshot order. */
    private static Map<String, List<Endpoint>> served(RegistrySnapshot snapshot, List<String> portNames) {
        Map<String, List<Endpoint>> services = new LinkedHashMap<>();
        Map<String, Integer> rank = new HashMap<>();
        for (Endpoint e : snapshot.endpoints()) {
            int r = portNames.indexOf(e.portName());
            // A name that is both an exact (dotted) service and <group>.<service> is the exact service's.
            if (e.protocol() != Protocol.TCP || r < 0 || snapshot.shadowed(e)) {
                continue;
            }
            String service = e.qualifiedName();
            Integer best = rank.get(service);
            if (best == null || r < best) {
                rank.put(service, r);
                services.put(service, new ArrayList<>());
            } else if (r > best) {
                continue;
            }
            services.get(service).add(e);
        }
        return services;
    }

    /**
     * The route of {@code service} over {@code endpoints} (its endpoints on one listener):
     * the backends taking traffic now, the strategy the first endpoint asks for, and the
     * service's sequence counter, which outlives rebuilds so round-robin keeps cycling.
     */
    public static Route route(String service, List<Endpoint> endpoints, Function<Endpoint, Backend> backends, AtomicLong sequence) {
        List<Backend> taking = new ArrayList<>();
        String strategy = null;
        boolean httpsRedirect = false;
        for (Endpoint e : endpoints) {
            httpsRedirect |= "true".equalsIgnoreCase(e.labels().get(Route.HTTPS_REDIRECT_LABEL));
            Backend b = backends.apply(e);
            if (b.takesTraffic()) {
                taking.add(b);
            }
            if (strategy == null) {
                strategy = e.strategy();
            }
        }
        return new Route(service, strategy, new ServicePool(service, taking.toArray(Backend[]::new), sequence), endpoints.size(), httpsRedirect);
    }

    /**
     * Whether a service's bare name may be a Host: not {@code localhost} and not ending in
     * a numeric label, so a service named {@code 127.0.0.1} never takes the requests made
     * to Haystack by its address (those are routed by path).
     */
    static boolean routableBareName(String service) {
        String last = service.substring(service.lastIndexOf('.') + 1);
        return !service.equals("localhost") && !last.chars().allMatch(Character::isDigit);
    }

    /** Lower case, no port, no trailing dot: how Host headers are compared. */
    public static String normalHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    public Route host(String normalHost) {
        return byHost.get(normalHost);
    }

    /** The longest prefix matching {@code path} at a segment boundary, or null. */
    public PathRoute path(String path) {
        for (PathRoute p : byPath) {
            if (p.matches(path)) {
                return p;
            }
        }
        return null;
    }

    Route service(String qualifiedName) {
        return byService.get(qualifiedName);
    }

    public Map<String, Route> services() {
        return byService;
    }

    /** Every host name routed (services in every domain, bare names, aliases), lower case. */
    public java.util.Set<String> hosts() {
        return byHost.keySet();
    }
}
