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

    /**
     * Opens the source {@code id} that first has to find what exists (a Docker engine's
     * running containers): the registry is not {@linkplain haystack.api.RegistrySnapshot#ready()
     * ready} until this source calls {@link EndpointSource#synchronised()}, or until the
     * registry's start grace has passed. A source from {@link #open} counts as synchronised
     * from the start.
     *
     * @throws IllegalStateException if a source with that id is open already
     * @since 1.2
     */
    EndpointSource openUnsynchronised(String id);
}
