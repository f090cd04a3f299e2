/**
 * The zone-provider SPI: DNS zones answered from the registry.
 */
@Export
@Version("1.2.0")
package haystack.api.zone;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
