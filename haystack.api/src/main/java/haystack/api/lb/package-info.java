/**
 * What the load balancer is doing now, for commands and pages that show it (they ask the
 * running load balancer rather than re-deriving it from the registry).
 */
@Export
@Version("1.2.0")
package haystack.api.lb;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
