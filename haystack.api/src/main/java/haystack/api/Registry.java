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

    /**
     * Reports the verdict of the endpoint's active health check ({@link Endpoint#healthCheck()},
     * run by the load balancer): while {@code failing}, readers see the endpoint
     * {@link Health#UNHEALTHY} (no traffic, no DNS answers) whatever its source says; a
     * pass lifts that and the source's health shows again. The verdict lasts until
     * changed, until the endpoint is withdrawn, or until its source publishes it with
     * another health check (or none): a new check starts from no verdict.
     *
     * @return false if there is no endpoint with that id
     * @since 1.3
     */
    boolean checkFailing(String endpointId, boolean failing);
}
