package haystack.api;

import java.util.Locale;
import java.util.Optional;

/**
 * The naming rules of SPEC §3 and §4, in one place: how a service name such as
 * {@code hello/v1} becomes the DNS name {@code v1.hello} and the HTTP path
 * {@code /hello/v1}, and what a valid DNS label is (RFC 1035 §2.3.1, RFC 1123 §2.1).
 */
public final class ServiceNames {

    /** Longest DNS label (RFC 1035 §2.3.4). */
    public static final int MAX_LABEL_LENGTH = 63;

    /**
     * Longest service name: its DNS form under a group label and a zone such as
     * {@code services.haystack} or {@code service.consul} must stay within a DNS name's
     * 253 characters (RFC 1035 §2.3.4).
     *
     * @since 1.2
     */
    public static final int MAX_SERVICE_LENGTH = 160;

    private ServiceNames() {
    }

    /** {@code hello/v1} → {@code v1.hello}; {@code nginx} → {@code nginx}. */
    public static String dnsName(String service) {
        String[] segments = service.split("/");
        StringBuilder name = new StringBuilder(service.length());
        for (int i = segments.length - 1; i >= 0; i--) {
            if (segments[i].isEmpty()) {
                continue;
            }
            if (!name.isEmpty()) {
                name.append('.');
            }
            name.append(segments[i]);
        }
        return name.toString();
    }

    /** {@code hello/v1} → {@code /hello/v1}. */
    public static String httpPath(String service) {
        return "/" + service;
    }

    /** Whether {@code label} is a lower-case letter-digit-hyphen label of 1 to 63 characters. */
    public static boolean isValidLabel(String label) {
        if (label == null || label.isEmpty() || label.length() > MAX_LABEL_LENGTH) {
            return false;
        }
        if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
            return false;
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Folds {@code raw} into a valid DNS label: lower case, every run of characters DNS
     * cannot carry becomes one hyphen, hyphens trimmed at the ends. Empty when nothing
     * is left or the result is longer than 63 characters (callers log and skip).
     */
    public static Optional<String> normalizeLabel(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(lower.length());
        boolean pendingHyphen = false;
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (ok) {
                if (pendingHyphen && !out.isEmpty()) {
                    out.append('-');
                }
                pendingHyphen = false;
                out.append(c);
            } else {
                pendingHyphen = true;
            }
        }
        String label = out.toString();
        return isValidLabel(label) ? Optional.of(label) : Optional.empty();
    }

    /**
     * Whether every '/'-separated segment of a service name is one or more valid DNS labels
     * joined by dots ({@code nginx}, {@code hello/v1}, and since 1.2 the dotted
     * {@code servicea.prod} of seed 003, kept as written), within {@link #MAX_SERVICE_LENGTH}.
     */
    public static boolean isValidService(String service) {
        if (service == null || service.isEmpty() || service.length() > MAX_SERVICE_LENGTH) {
            return false;
        }
        for (String segment : service.split("/", -1)) {
            for (String label : segment.split("\\.", -1)) {
                if (!isValidLabel(label)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether {@code host} is a host name Haystack can route and answer: lower-case valid
     * labels joined by dots, at most 253 characters.
     *
     * @since 1.2
     */
    public static boolean isValidHostName(String host) {
        if (host == null || host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!isValidLabel(label)) {
                return false;
            }
        }
        return true;
    }
}
