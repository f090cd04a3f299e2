/**
 * The discovery SPI: how sources such as Docker publish and withdraw endpoints.
 */
@Export
@Version("1.2.0")
package haystack.api.discovery;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
