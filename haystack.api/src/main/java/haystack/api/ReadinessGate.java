package haystack.api;

import java.time.Duration;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service for what serves the registry and must have caught up with it before
 * Haystack says it is ready (GET /ready 200, the "registry ready" line): the DNS server's
 * indexed zones, which take seconds at 100,000 endpoints. When the registry is about to
 * become ready it asks every gate registered then to catch up with the snapshot of that
 * moment, and publishes its ready snapshot once they all have, or, for a gate that has
 * not within the start grace, with a warning naming it.
 *
 * @since 1.5
 */
@ConsumerType
public interface ReadinessGate {

    /**
     * Returns once this service serves {@code snapshot} or a later one: true then, false
     * when {@code timeout} passed first. Called on a thread that waits for it; never called
     * with a lock of the registry held.
     */
    boolean catchUp(RegistrySnapshot snapshot, Duration timeout) throws InterruptedException;
}
