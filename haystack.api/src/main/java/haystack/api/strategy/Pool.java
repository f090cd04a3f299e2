package haystack.api.strategy;

import haystack.api.Endpoint;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The endpoints a strategy chooses among for one service, provided by the load balancer.
 * Its endpoint list is immutable; the counters are live and lock-free.
 */
@ProviderType
public interface Pool {

    /** The service (its qualified name, for example {@code web.nginx}). */
    String service();

    int size();

    /** The endpoint at {@code index}, 0 ≤ index &lt; size(), in a stable order. */
    Endpoint endpoint(int index);

    /** Requests in flight now to the endpoint at {@code index}. */
    int activeRequests(int index);

    /** A per-service counter that increases by one on every call, for round-robin style strategies. */
    long nextSequence();
}
