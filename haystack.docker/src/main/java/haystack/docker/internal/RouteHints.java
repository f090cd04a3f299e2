package haystack.docker.internal;

import java.util.List;
import java.util.Set;

/**
 * What another proxy's configuration on a container says about HTTP routing, in the
 * terms of the endpoint model: extra host names (aliases), path prefixes, the container
 * port requests go to, and whether the container is routed at all.
 *
 * @param enabled null when not said, false for an opt-out such as {@code traefik.enable=false}
 * @param port    the container port to route to, or null when not said
 */
record RouteHints(Boolean enabled, Set<String> hosts, List<String> paths, Integer port) {

    static final RouteHints NONE = new RouteHints(null, Set.of(), List.of(), null);

    RouteHints {
        hosts = Set.copyOf(hosts);
        paths = List.copyOf(paths);
    }

    /** Whether the container asked to be routed by host or path. */
    boolean routes() {
        return !hosts.isEmpty() || !paths.isEmpty();
    }
}
