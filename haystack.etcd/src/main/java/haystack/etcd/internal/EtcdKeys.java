package haystack.etcd.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The key layout of SPEC §6a: {@code <prefix>/<service>/<node>/<endpoint id>}. Each of
 * the three segments is percent-encoded (a service {@code hello/v1} and an endpoint id
 * both hold '/'), so a key splits back into exactly three segments.
 */
final class EtcdKeys {

    /** Where a key points: its service, node and endpoint id, decoded. */
    record Path(String service, String node, String endpointId) {
    }

    private final String prefix;

    /** @param prefix such as {@code /haystack}; a trailing '/' is dropped */
    EtcdKeys(String prefix) {
        String p = prefix == null ? "" : prefix.trim();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty() || !p.startsWith("/")) {
            throw new IllegalArgumentException("etcd prefix '" + prefix + "' must start with '/' and name something");
        }
        this.prefix = p;
    }

    String prefix() {
        return prefix;
    }

    /** First key of the range this layout owns: {@code <prefix>/}. */
    String rangeStart() {
        return prefix + "/";
    }

    /** End of the range, exclusive: {@code <prefix>0} ('0' follows '/'). */
    String rangeEnd() {
        return prefix + "0";
    }

    String key(String service, String node, String endpointId) {
        return rangeStart() + encode(service) + "/" + encode(node) + "/" + encode(endpointId);
    }

    /** The path of {@code key}; empty when the key is not of this layout (someone else's). */
    Optional<Path> parse(String key) {
        if (!key.startsWith(rangeStart())) {
            return Optional.empty();
        }
        String[] parts = key.substring(rangeStart().length()).split("/", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            String service = decode(parts[0]);
            String node = decode(parts[1]);
            String id = decode(parts[2]);
            if (service.isEmpty() || node.isEmpty() || id.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Path(service, node, id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
