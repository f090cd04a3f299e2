package haystack.docker.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import haystack.api.Protocol;
import haystack.api.ServiceNames;

/**
 * IANA's Service Name and Transport Protocol Port Number Registry, shipped as a resource:
 * port 80/tcp is {@code http}, 8080/tcp {@code http-alt}, 6379/tcp {@code redis}. Where
 * IANA names several services for one port, the first listed wins; single-port entries
 * win over ranges.
 */
public final class PortNames {

    static final String RESOURCE = "service-names-port-numbers.csv";

    /** The registry shipped with this bundle, read when a port is first named. */
    private static final PortNames IANA = new PortNames(null);

    /** Null for {@link #IANA}, whose names {@link Iana} holds. */
    private final Map<String, String> names;

    private PortNames(Map<String, String> names) {
        this.names = names == null ? null : Map.copyOf(names);
    }

    /**
     * The registry shipped with this bundle. Its 14,000 rows are parsed on the first
     * {@link #name} (a Docker engine's first sync, on its own thread), not while the
     * component that asks for it is activated: start-up does not wait for them.
     */
    public static PortNames iana() {
        return IANA;
    }

    /** Holds the parsed registry: the JVM loads it once, when it is first used. */
    private static final class Iana {
        static final Map<String, String> NAMES = load().names;
    }

    private static PortNames load() {
        try (InputStream in = PortNames.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the bundle");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static PortNames parse(InputStream csv) throws IOException {
        Map<String, String> singles = new HashMap<>();
        Map<String, String> ranges = new HashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(csv, StandardCharsets.UTF_8));
        reader.readLine(); // header
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            String[] f = line.split(",", 4);
            if (f.length < 3 || f[0].isEmpty() || f[1].isEmpty()) {
                continue;
            }
            String name = f[0].toLowerCase(Locale.ROOT);
            String proto = f[2].toLowerCase(Locale.ROOT);
            if (!ServiceNames.isValidLabel(name) || !(proto.equals("tcp") || proto.equals("udp"))) {
                continue;
            }
            int dash = f[1].indexOf('-');
            try {
                if (dash < 0) {
                    singles.putIfAbsent(Integer.parseInt(f[1]) + "/" + proto, name);
                } else {
                    int from = Integer.parseInt(f[1].substring(0, dash));
                    int to = Math.min(Integer.parseInt(f[1].substring(dash + 1)), 65535);
                    for (int p = from; p <= to; p++) {
                        ranges.putIfAbsent(p + "/" + proto, name);
                    }
                }
            } catch (NumberFormatException e) {
                // A malformed row of the registry names no port: nothing to learn from it.
            }
        }
        ranges.putAll(singles);
        return new PortNames(ranges);
    }

    /** The IANA name of {@code port}/{@code protocol}, or null when IANA has none. */
    public String name(int port, Protocol protocol) {
        return (names != null ? names : Iana.NAMES).get(port + "/" + protocol.label());
    }
}
