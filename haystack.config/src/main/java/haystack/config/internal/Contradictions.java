package haystack.config.internal;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settings each allowed on its own that cannot hold together (SPEC §7): two listeners on
 * one port and address, an admin user without a password or the reverse, part of a TLS
 * client identity. Checked on the
 * computed configurations (environment and files together), so a contradiction stops
 * start-up with one line like any bad value.
 */
final class Contradictions {

    /**
     * A TCP listener (DNS listens on UDP and TCP): where its port and addresses are set,
     * and its port when nothing sets it (the component's default: SettingsCoverageTest
     * checks these against the metatype). Every bind default is "all addresses".
     */
    record Listener(String portVariable, String pid, String portProperty, int defaultPort, String bindProperty) {
    }

    static final List<Listener> LISTENERS = List.of(
            new Listener("HAYSTACK_DNS_PORT", Settings.DNS, "port", 53, "bind"),
            new Listener("HAYSTACK_HTTP_PORT", Settings.LB, "http.port", 80, "bind"),
            new Listener("HAYSTACK_HTTP_ALT_PORT", Settings.LB, "http.alt.port", 8080, "bind"),
            new Listener("HAYSTACK_HTTPS_PORT", Settings.LB, "https.port", 443, "bind"),
            new Listener("HAYSTACK_SSH_PORT", Settings.SSH, "port", 22, "bind"),
            new Listener("HAYSTACK_ADMIN_PORT", Settings.WEB, "port", 1936, "bind"));

    private static final Set<String> ALL_ADDRESSES = Set.of("", "0.0.0.0", "::", "0:0:0:0:0:0:0:0", "[::]");

    private Contradictions() {
    }

    /** Throws a {@link ConfigurationError} for the first contradiction in {@code byPid}. */
    static void check(Map<String, Hashtable<String, Object>> byPid) {
        for (int i = 0; i < LISTENERS.size(); i++) {
            Listener a = LISTENERS.get(i);
            int portA = port(byPid, a);
            for (int j = i + 1; j < LISTENERS.size() && portA != 0; j++) {
                Listener b = LISTENERS.get(j);
                if (port(byPid, b) == portA && overlap(addresses(byPid, a), addresses(byPid, b))) {
                    throw new ConfigurationError(b.portVariable(), String.valueOf(portA),
                            "a port no other listener uses on the same address (" + a.portVariable() + " is " + portA + " too)");
                }
            }
        }
        Hashtable<String, Object> docker = byPid.getOrDefault(Settings.DOCKER, new Hashtable<>());
        List<String> pem = List.of("DOCKER_CA", "DOCKER_CERT", "DOCKER_KEY");
        List<String> pemProperties = List.of("tls.ca", "tls.cert", "tls.key");
        long given = pemProperties.stream().filter(p -> !String.valueOf(docker.getOrDefault(p, "")).isBlank()).count();
        if (given > 0 && given < pem.size()) {
            int missing = pemProperties.indexOf(pemProperties.stream().filter(p -> String.valueOf(docker.getOrDefault(p, "")).isBlank())
                    .findFirst().orElseThrow());
            throw new ConfigurationError(pem.get(missing), "", "PEM contents when any of DOCKER_CA, DOCKER_CERT, DOCKER_KEY is set (all three or none)");
        }
        Hashtable<String, Object> web = byPid.getOrDefault(Settings.WEB, new Hashtable<>());
        boolean user = !String.valueOf(web.getOrDefault("user", "")).isEmpty();
        boolean password = !String.valueOf(web.getOrDefault("password", "")).isEmpty();
        if (user && !password) {
            throw new ConfigurationError("HAYSTACK_ADMIN_PASSWORD", "", "a password when HAYSTACK_ADMIN_USER is set (or neither)");
        }
        if (password && !user) {
            throw new ConfigurationError("HAYSTACK_ADMIN_USER", "", "a user name when HAYSTACK_ADMIN_PASSWORD is set (or neither)");
        }
    }

    private static int port(Map<String, Hashtable<String, Object>> byPid, Listener l) {
        Object value = byPid.getOrDefault(l.pid(), new Hashtable<>()).get(l.portProperty());
        return value instanceof Integer n ? n : value == null ? l.defaultPort() : Integer.parseInt(value.toString().trim());
    }

    /** The listener's addresses; empty means every address. */
    private static Set<String> addresses(Map<String, Hashtable<String, Object>> byPid, Listener l) {
        Object value = byPid.getOrDefault(l.pid(), new Hashtable<>()).get(l.bindProperty());
        List<String> items = value instanceof String[] array ? Arrays.asList(array)
                : value == null ? List.of() : Arrays.asList(value.toString().split(","));
        Set<String> addresses = new HashSet<>();
        for (String item : items) {
            String a = item.trim();
            if (ALL_ADDRESSES.contains(a)) {
                return Set.of();
            }
            addresses.add(a);
        }
        return addresses;
    }

    private static boolean overlap(Set<String> a, Set<String> b) {
        return a.isEmpty() || b.isEmpty() || a.stream().anyMatch(b::contains);
    }
}
