/**
 * The Haystack model: endpoints, health, the registry and its immutable snapshots.
 */
@Export
@Version("1.5.0")
package haystack.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
