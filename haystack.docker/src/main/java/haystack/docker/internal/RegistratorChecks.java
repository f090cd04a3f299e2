package haystack.docker.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import haystack.api.HealthCheck;

/**
 * Registrator's Consul checks as an endpoint's active health check:
 * {@code SERVICE_CHECK_HTTP} (a path), {@code SERVICE_CHECK_TCP} (a connect),
 * {@code SERVICE_CHECK_INTERVAL} (default 10s, as Registrator) and
 * {@code SERVICE_CHECK_TIMEOUT}; each also per port as {@code SERVICE_<port>_CHECK_…}.
 * Consul's other check kinds (script, TTL, HTTPS…) are logged as not supported.
 */
final class RegistratorChecks {

    /** Registrator's default interval for the checks it registers. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    private static final Pattern DURATION = Pattern.compile("^([0-9]{1,9})(ms|s|m|h)?$");
    private static final List<String> UNSUPPORTED = List.of("SCRIPT", "CMD", "TTL", "HTTPS", "METHOD", "INITIAL_STATUS",
            "DEREGISTER_AFTER", "DOCKER", "TLS_SKIP_VERIFY", "HEADER");

    private RegistratorChecks() {
    }

    /**
     * The check of one port, or null. {@code setting} reads a key such as {@code CHECK_HTTP}
     * for this port: its {@code SERVICE_<port>_} form first, then {@code SERVICE_}.
     */
    static HealthCheck of(Function<String, String[]> setting, MetadataComplaints log) {
        for (String kind : UNSUPPORTED) {
            String[] kv = setting.apply("CHECK_" + kind);
            if (kv != null) {
                log.complain(kv[0], kv[1], "Consul check kind not supported; Haystack checks HTTP paths and TCP connects");
            }
        }
        String[] http = setting.apply("CHECK_HTTP");
        String[] tcp = setting.apply("CHECK_TCP");
        String path = null;
        if (http != null) {
            path = ValueChecks.pathPrefix(http[1]).orElse(null);
            if (path == null) {
                log.complain(http[0], http[1], "not a path starting with '/'; no HTTP check");
            }
        }
        boolean connect = false;
        if (path == null && tcp != null) {
            String v = tcp[1].strip().toLowerCase(Locale.ROOT);
            connect = v.equals("true") || v.equals("1") || v.equals("yes");
            if (!connect && !v.equals("false") && !v.equals("0") && !v.equals("no")) {
                log.complain(tcp[0], tcp[1], "not true or false; no TCP check");
            }
        }
        if (path == null && !connect) {
            return null;
        }
        Duration interval = duration(setting.apply("CHECK_INTERVAL"), DEFAULT_INTERVAL, log);
        Duration timeout = duration(setting.apply("CHECK_TIMEOUT"), null, log);
        return new HealthCheck(path, interval, HealthCheck.DEFAULT_RISE, HealthCheck.DEFAULT_FALL, timeout);
    }

    private static Duration duration(String[] kv, Duration fallback, MetadataComplaints log) {
        if (kv == null) {
            return fallback;
        }
        Duration d = duration(kv[1]);
        if (d == null) {
            log.complain(kv[0], kv[1], "not a positive duration such as 10s, 500ms, 1m; using "
                    + (fallback == null ? "the balancer's timeout" : fallback.toSeconds() + "s"));
            return fallback;
        }
        return d;
    }

    /** {@code 10s}, {@code 500ms}, {@code 1m}, {@code 2h}, a bare number of seconds, or ISO-8601; null if none or not positive. */
    static Duration duration(String raw) {
        String s = raw.strip().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(s);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                Duration d = switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofSeconds(n);
                };
                return d.isZero() ? null : d;
            }
            if (s.length() > 64) {
                return null;
            }
            Duration d = Duration.parse(raw.strip());
            return d.isNegative() || d.isZero() ? null : d;
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }
}
