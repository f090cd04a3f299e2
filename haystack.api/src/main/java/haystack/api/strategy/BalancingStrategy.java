package haystack.api.strategy;

import java.net.InetAddress;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Picks the endpoint for one request (SPEC §5), as a whiteboard service named by the
 * service property {@value #NAME_PROPERTY} (set it with {@link HaystackStrategy}).
 * Called on the proxy hot path from many threads: no blocking, no global locks.
 */
@ConsumerType
public interface BalancingStrategy {

    /** Service property naming the strategy; services ask for it with the label of the same name. */
    String NAME_PROPERTY = "haystack.strategy";

    /** The strategy used when a service asks for none, or for one that is not there. */
    String DEFAULT_NAME = "round-robin";

    /**
     * Returns the index in {@code pool} of the endpoint to use, or -1 to refuse the
     * request. The pool holds only endpoints that may take traffic and is never empty.
     *
     * @param client the address of the client making the request
     */
    int select(Pool pool, InetAddress client);
}
