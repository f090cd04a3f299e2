package haystack.docker.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * nginx-proxy's (docker-gen) environment variables as route hints: {@code VIRTUAL_HOST}
 * (comma-separated host names) become aliases, {@code VIRTUAL_PORT} the routed port,
 * {@code VIRTUAL_PATH} a path prefix. Wildcard and regular-expression hosts have no
 * Haystack equivalent and are logged.
 */
final class NginxProxyEnv {

    static final String VIRTUAL_HOST = "VIRTUAL_HOST";
    static final String VIRTUAL_PORT = "VIRTUAL_PORT";
    static final String VIRTUAL_PATH = "VIRTUAL_PATH";
    private static final int MAX_HOSTS = 64;

    private NginxProxyEnv() {
    }

    static RouteHints read(Map<String, String> env, MetadataComplaints log) {
        String hostsRaw = env.get(VIRTUAL_HOST);
        String portRaw = env.get(VIRTUAL_PORT);
        String pathRaw = env.get(VIRTUAL_PATH);
        if (hostsRaw == null && portRaw == null && pathRaw == null) {
            return RouteHints.NONE;
        }
        Set<String> hosts = new LinkedHashSet<>();
        if (hostsRaw != null) {
            for (String item : hostsRaw.split(",", MAX_HOSTS + 1)) {
                if (item.isBlank()) {
                    continue;
                }
                if (hosts.size() == MAX_HOSTS) {
                    log.complain(VIRTUAL_HOST, hostsRaw, "only the first " + MAX_HOSTS + " host names are routed");
                    break;
                }
                Optional<String> host = ValueChecks.host(item);
                if (host.isPresent()) {
                    hosts.add(host.get());
                } else {
                    log.complain(VIRTUAL_HOST, item.strip(), "not a plain host name (wildcards and ~regex are not supported); not routed");
                }
            }
        }
        List<String> paths = new ArrayList<>();
        if (pathRaw != null) {
            Optional<String> path = ValueChecks.pathPrefix(pathRaw);
            if (path.isPresent()) {
                paths.add(path.get());
            } else {
                log.complain(VIRTUAL_PATH, pathRaw, "not a path prefix starting with '/'; not routed by path");
            }
        }
        Integer port = null;
        if (portRaw != null) {
            port = ValueChecks.port(portRaw).orElse(null);
            if (port == null) {
                log.complain(VIRTUAL_PORT, portRaw, "not a port number 1-65535; routing the default port");
            }
        }
        return new RouteHints(null, hosts, paths, port);
    }
}
