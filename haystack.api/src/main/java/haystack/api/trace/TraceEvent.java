package haystack.api.trace;

import java.time.Instant;
import java.util.Objects;

/** One traced event: when, what kind ({@link #DOCKER}, {@link #REGISTRY}, {@link #DNS}, {@link #ROUTE}) and what. */
public record TraceEvent(Instant time, String category, String message) {

    /** Docker engine events as the discovery source sees them. */
    public static final String DOCKER = "docker";
    /** Endpoints added, removed and updated in the registry. */
    public static final String REGISTRY = "registry";
    /** DNS queries and their answers. */
    public static final String DNS = "dns";
    /** Load-balancer routing decisions. */
    public static final String ROUTE = "route";

    public TraceEvent {
        Objects.requireNonNull(time);
        Objects.requireNonNull(category);
        Objects.requireNonNull(message);
    }

    @Override
    public String toString() {
        return time + " " + category + " " + message;
    }
}
