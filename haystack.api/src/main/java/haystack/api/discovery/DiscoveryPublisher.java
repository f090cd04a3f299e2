package haystack.api.discovery;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How a discovery source writes to the registry. The service is bundle-scoped: every
 * source opened through it is closed, and its endpoints withdrawn, when the bundle that
 * opened it releases the service (for example when that bundle stops).
 */
@ProviderType
public interface DiscoveryPublisher {

    /**
     * Opens the source {@code id} (for example {@code docker:unix:///var/run/docker.sock}).
     *
     * @throws IllegalStateException if a source with that id is open already
     */
    EndpointSource open(String id);
}
