package haystack.api.lb;

import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The host names the load balancer routes now (service names in every served domain,
 * group forms, aliases), lower case, as decided by its routing table: what ACME asks
 * certificates for.
 *
 * @since 1.1
 */
@ProviderType
public interface RoutedHosts {

    Set<String> routedHosts();
}
