package haystack.api.trace;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where bundles report what they do, for {@code haystack:trace} and HAYSTACK_TRACE. On a
 * hot path, call {@link #isActive()} (a volatile read) before building a message, so
 * tracing costs nothing while nobody listens.
 */
@ProviderType
public interface Tracer {

    /** A tracer nobody listens to, for code running outside the framework (tests, benchmarks). */
    Tracer OFF = new Tracer() {
        @Override
        public boolean isActive() {
            return false;
        }

        @Override
        public void trace(String category, String message) {
            // nobody listens
        }
    };

    /** Whether any session or the log is listening now. */
    boolean isActive();

    /** Reports one event; cheap and non-blocking, safe from any thread. */
    void trace(String category, String message);
}
