/**
 * The zone-provider SPI: DNS zones answered from the registry; and {@link
 * haystack.api.zone.ZoneLookup}, the DNS server's own answer for a name (since 1.2).
 */
@Export
@Version("1.2.0")
package haystack.api.zone;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
