package haystack.lb.internal.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import haystack.api.Endpoint;
import haystack.api.Protocol;
import haystack.api.RegistrySnapshot;

/**
 * The immutable routing of one listener (one port name): host names to routes, and path
 * prefixes to routes, longest first. Made on every registry or health change and read
 * without locks by every request: a registry change rebuilds the routes of the services it
 * touched ({@link #next}), a change of verdicts all of them ({@link #build}).
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
    public static final RoutingTable EMPTY = new RoutingTable(Map.of(), Map.of(), List.of(), false, null, null, Map.of(), Map.of());

    /** A name's endpoints served on this listener, and where the name stands among the others (its first eligible endpoint's id). */
    private record Served(List<Endpoint> endpoints, String order) {
    }

    private final Map<String, Route> byService;
    private final Map<String, Route> byHost;
    private final List<PathRoute> byPath;
    private final boolean ready;
    /** The snapshot this table was made from (null for {@link #EMPTY}), and how: what {@link #next} starts from. */
    private final RegistrySnapshot from;
    private final Inputs inputs;
    /**
     * The endpoints this listener could serve (TCP, of one of its port names; shadowed or
     * not), by qualified name, in id order. Names with none (DNS-only services) are left
     * out, so a change to them costs this table nothing.
     */
    private final Map<String, List<Endpoint>> named;
    /** The served endpoints of each name that has some. */
    private final Map<String, Served> served;

    /** What a table depends on besides the snapshot. */
    private record Inputs(String portName, String origin, List<String> domains) {
    }

    private RoutingTable(Map<String, Route> byService, Map<String, Route> byHost, List<PathRoute> byPath, boolean ready,
            RegistrySnapshot from, Inputs inputs, Map<String, List<Endpoint>> named, Map<String, Served> served) {
        this.byService = byService;
        this.byHost = byHost;
        this.byPath = byPath;
        this.ready = ready;
        this.from = from;
        this.inputs = inputs;
        this.named = named;
        this.served = served;
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
        Inputs inputs = new Inputs(portName, origin, List.copyOf(domains));
        List<String> portNames = servedPortNames(portName);
        Map<String, List<Endpoint>> named = new HashMap<>();
        for (Endpoint e : snapshot.endpoints()) {
            if (candidate(e, portNames)) {
                named.computeIfAbsent(e.qualifiedName(), n -> new ArrayList<>()).add(e);
            }
        }
        named.replaceAll((n, list) -> List.copyOf(list));
        Map<String, Served> served = new HashMap<>();
        Map<String, Route> routes = new HashMap<>();
        named.forEach((name, members) -> {
            Served s = served(snapshot, members, portNames);
            if (s != null) {
                served.put(name, s);
                routes.put(name, route(name, s.endpoints(), backends, sequences.computeIfAbsent(name, k -> new AtomicLong())));
            }
        });
        return assemble(snapshot, inputs, named, served, routes);
    }

    /**
     * The table of {@code snapshot} made from this one: only the names whose endpoints
     * changed since the snapshot this table was made from get a new route; every other
     * service keeps its route (and pool) as it was. Falls back to {@link #build} when
     * there is nothing to start from or the listener's settings changed. For a registry
     * change only: a change of backend verdicts (same endpoints) needs {@link #build}.
     */
    public RoutingTable next(RegistrySnapshot snapshot, String portName, String origin, List<String> domains,
            Function<Endpoint, Backend> backends, Map<String, AtomicLong> sequences) {
        Inputs wanted = new Inputs(portName, origin, List.copyOf(domains));
        if (from == null || !wanted.equals(inputs)) {
            return build(snapshot, portName, origin, domains, backends, sequences);
        }
        List<String> portNames = servedPortNames(portName);
        Map<String, List<Endpoint>> gone = new HashMap<>();
        Map<String, List<Endpoint>> come = new HashMap<>();
        snapshot.changesSince(from, (old, now) -> {
            // Every touched name is looked at again, candidate or not: an exact service that
            // comes or goes changes which endpoints of its name are shadowed.
            if (old != null) {
                gone.computeIfAbsent(old.qualifiedName(), n -> new ArrayList<>()).add(old);
                come.computeIfAbsent(old.qualifiedName(), n -> new ArrayList<>());
            }
            if (now != null) {
                List<Endpoint> added = come.computeIfAbsent(now.qualifiedName(), n -> new ArrayList<>());
                if (candidate(now, portNames)) {
                    added.add(now);
                }
            }
        });
        come.keySet().removeIf(name -> come.get(name).isEmpty() && !named.containsKey(name));
        if (come.isEmpty()) {
            // Nothing this listener serves changed (a DNS-only service): the same routes, made from the new snapshot.
            return snapshot.ready() == ready && from == snapshot ? this
                    : new RoutingTable(byService, byHost, byPath, snapshot.ready(), snapshot, inputs, named, served);
        }
        Map<String, List<Endpoint>> nextNamed = new HashMap<>(named);
        Map<String, Served> nextServed = new HashMap<>(served);
        Map<String, Route> routes = new HashMap<>(byService);
        come.forEach((name, added) -> {
            List<Endpoint> members = new ArrayList<>(named.getOrDefault(name, List.of()));
            Set<String> leaving = new HashSet<>();
            gone.getOrDefault(name, List.of()).forEach(e -> leaving.add(e.id()));
            added.forEach(e -> leaving.add(e.id()));
            members.removeIf(e -> leaving.contains(e.id()));
            members.addAll(added);
            members.sort(Comparator.comparing(Endpoint::id));
            if (members.isEmpty()) {
                nextNamed.remove(name);
            } else {
                nextNamed.put(name, List.copyOf(members));
            }
            Served s = members.isEmpty() ? null : served(snapshot, members, portNames);
            if (s == null) {
                nextServed.remove(name);
                routes.remove(name);
            } else {
                nextServed.put(name, s);
                routes.put(name, route(name, s.endpoints(), backends, sequences.computeIfAbsent(name, k -> new AtomicLong())));
            }
        });
        return assemble(snapshot, inputs, nextNamed, nextServed, routes);
    }

    /**
     * The endpoints of one qualified name (ordered by id) this listener serves: TCP, of
     * the first of {@code portNames} the name has, not shadowed by an exact service of that
     * name; null when none.
     */
    private static Served served(RegistrySnapshot snapshot, List<Endpoint> members, List<String> portNames) {
        List<Endpoint> out = null;
        String order = null;
        int best = Integer.MAX_VALUE;
        for (Endpoint e : members) {
            int r = portNames.indexOf(e.portName());
            // A name that is both an exact (dotted) service and <group>.<service> is the exact service's.
            if (!candidate(e, portNames) || snapshot.shadowed(e)) {
                continue;
            }
            if (order == null) {
                order = e.id();
            }
            if (r < best) {
                best = r;
                out = new ArrayList<>();
            } else if (r > best) {
                continue;
            }
            out.add(e);
        }
        return out == null ? null : new Served(List.copyOf(out), order);
    }

    /**
     * The host and path maps over every route. Services are taken in the order of their
     * first endpoint's id, as a pass over the snapshot would meet them: that order decides
     * which service keeps an alias or path two of them claim.
     */
    private static RoutingTable assemble(RegistrySnapshot snapshot, Inputs inputs, Map<String, List<Endpoint>> named,
            Map<String, Served> served, Map<String, Route> routes) {
        List<Map.Entry<String, Served>> ordered = new ArrayList<>(served.entrySet());
        ordered.sort(Comparator.comparing(e -> e.getValue().order()));
        Map<String, Route> byHost = new HashMap<>();
        Map<String, Route> byPrefix = new HashMap<>();
        String suffix = ".services." + inputs.origin().toLowerCase(Locale.ROOT);
        for (Map.Entry<String, Served> s : ordered) {
            String service = s.getKey();
            Route route = routes.get(service);
            byHost.put(service.toLowerCase(Locale.ROOT) + suffix, route);
            for (String domain : inputs.domains()) {
                byHost.putIfAbsent(service.toLowerCase(Locale.ROOT) + "." + normalHost(domain), route);
            }
            for (Endpoint e : s.getValue().endpoints()) {
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
        routes.forEach((service, route) -> {
            if (routableBareName(service)) {
                byHost.putIfAbsent(service.toLowerCase(Locale.ROOT), route);
            }
        });
        List<PathRoute> byPath = new ArrayList<>();
        byPrefix.forEach((prefix, route) -> byPath.add(new PathRoute(prefix, route)));
        byPath.sort(Comparator.comparingInt((PathRoute p) -> p.prefix().length()).reversed().thenComparing(PathRoute::prefix));
        // named and served are this table's own from here on, never changed (next copies them)
        return new RoutingTable(Map.copyOf(routes), Map.copyOf(byHost), List.copyOf(byPath), snapshot.ready(), snapshot, inputs, named, served);
    }

    /** Whether {@code e} is of a kind this listener serves: TCP, on one of its port names. */
    private static boolean candidate(Endpoint e, List<String> portNames) {
        return e.protocol() == Protocol.TCP && portNames.contains(e.portName());
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
