package haystack.api;

import java.time.Duration;
import java.util.Objects;

/**
 * An active health check of an endpoint: an HTTP GET of {@code path} (or a TCP connect
 * when the path is null) every {@code interval}; {@code rise} consecutive successes make
 * the endpoint healthy, {@code fall} consecutive failures unhealthy. {@code timeout}
 * (since 1.2; null for the balancer's own) bounds one probe.
 */
public record HealthCheck(String path, Duration interval, int rise, int fall, Duration timeout) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;

    public HealthCheck {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("health check interval must be positive, was " + interval);
        }
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("health check rise and fall must be at least 1, were " + rise + " and " + fall);
        }
        if (path != null && !path.startsWith("/")) {
            throw new IllegalArgumentException("health check path must start with '/', was '" + path + "'");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("health check timeout must be positive, was " + timeout);
        }
    }

    /** A check whose probes are bounded by the balancer's own timeout. */
    public HealthCheck(String path, Duration interval, int rise, int fall) {
        this(path, interval, rise, fall, null);
    }

    /** An HTTP check of {@code path} with the default interval, rise and fall. */
    public static HealthCheck http(String path) {
        return new HealthCheck(path, DEFAULT_INTERVAL, DEFAULT_RISE, DEFAULT_FALL);
    }

    /** A TCP connect check with the default interval, rise and fall. */
    public static HealthCheck tcp() {
        return new HealthCheck(null, DEFAULT_INTERVAL, DEFAULT_RISE, DEFAULT_FALL);
    }

    public boolean isHttp() {
        return path != null;
    }
}
