package haystack.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The registry of every known endpoint (SPEC §2). Readers call {@link #snapshot()}
 * (never blocks, never locks) and register {@link RegistryListener} services to hear of
 * changes. Discovery sources write through {@link haystack.api.discovery.DiscoveryPublisher}.
 */
@ProviderType
public interface Registry {

    /** The current immutable snapshot. Cheap: a volatile read. */
    RegistrySnapshot snapshot();

    /**
     * On an operator's word, marks the endpoint draining (no new requests, no DNS
     * answers), or lifts that mark, whatever its source says. The mark lasts until lifted
     * or until the endpoint is withdrawn.
     *
     * @return false if there is no endpoint with that id
     * @since 1.1
     */
    boolean drain(String endpointId, boolean draining);
}
