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
}
