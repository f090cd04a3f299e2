package haystack.api.discovery;

import java.util.Collection;
import java.util.List;

import haystack.api.Endpoint;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One discovery source's share of the registry. Every method is one atomic step: readers
 * see all of it or none of it. Endpoints passed in are stamped with this source's id.
 * After {@link #close()} every method throws {@link IllegalStateException}.
 */
@ProviderType
public interface EndpointSource extends AutoCloseable {

    String id();

    /** Adds or replaces (by id) these endpoints. */
    void put(Collection<Endpoint> endpoints);

    /**
     * Withdraws the endpoints with these ids, as {@link Endpoint#id()} gives them before or
     * after this source stamped them; unknown ids are ignored.
     */
    void remove(Collection<String> endpointIds);

    /** Makes {@code endpoints} the complete set of the container {@code containerId} in this source. */
    void replaceContainer(String containerId, Collection<Endpoint> endpoints);

    /** Makes {@code endpoints} this source's complete set: nothing stale stays, nothing is missing. */
    void replaceAll(Collection<Endpoint> endpoints);

    /**
     * Says that this source, opened by {@link DiscoveryPublisher#openUnsynchronised}, has
     * finished its first synchronisation: everything it found at start is published, so
     * a name it has not published does not exist as far as it knows. Call it after the
     * first complete {@link #replaceAll}, even if that found nothing. Later calls, and
     * calls on a source from {@link DiscoveryPublisher#open}, do nothing.
     *
     * @since 1.2
     */
    void synchronised();

    /** This source's endpoints now. */
    List<Endpoint> endpoints();

    /** Withdraws every endpoint of this source and closes it. Idempotent. */
    @Override
    void close();
}
