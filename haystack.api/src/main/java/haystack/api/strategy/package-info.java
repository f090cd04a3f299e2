/**
 * The balancing-strategy SPI: how the load balancer picks an endpoint for a request.
 */
@Export
@Version("1.1.0")
package haystack.api.strategy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
