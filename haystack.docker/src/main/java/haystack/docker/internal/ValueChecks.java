package haystack.docker.internal;

import java.util.Locale;
import java.util.Optional;

import haystack.api.ServiceNames;

/** The checks every metadata parser applies to host names, path prefixes and ports. */
final class ValueChecks {

    /** Longest path prefix taken from metadata. */
    static final int MAX_PATH = 1024;

    private ValueChecks() {
    }

    /** A host name lower-cased, without a trailing dot, if it is one Haystack can route. */
    static Optional<String> host(String raw) {
        String h = raw.strip().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return ServiceNames.isValidHostName(h) ? Optional.of(h) : Optional.empty();
    }

    /** A path prefix: starts with '/', printable ASCII without spaces, at most 1024; a trailing '/' dropped. */
    static Optional<String> pathPrefix(String raw) {
        String p = raw.strip();
        if (!p.startsWith("/") || p.length() > MAX_PATH) {
            return Optional.empty();
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '?' || c == '#') {
                return Optional.empty();
            }
        }
        return Optional.of(p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p);
    }

    /** A port number 1-65535, if {@code raw} is one (at most 5 digits, so no overflow). */
    static Optional<Integer> port(String raw) {
        String s = raw.strip();
        if (s.isEmpty() || s.length() > 5) {
            return Optional.empty();
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return Optional.empty();
            }
        }
        int p = Integer.parseInt(s);
        return p >= 1 && p <= 65535 ? Optional.of(p) : Optional.empty();
    }

    /** {@code raw} with control characters shown as \xNN and cut to 200 characters, for a log line. */
    static String printable(String raw) {
        StringBuilder out = new StringBuilder(Math.min(raw.length(), 200) + 8);
        for (int i = 0; i < raw.length() && out.length() < 200; i++) {
            char c = raw.charAt(i);
            if (c < ' ' || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= 200 && raw.length() > 200) {
            out.append("…(").append(raw.length()).append(" chars)");
        }
        return out.toString();
    }
}
