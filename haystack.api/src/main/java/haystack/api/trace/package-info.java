/**
 * Tracing: what Docker, the registry, DNS and the load balancer do, streamed to whoever
 * listens (an SSH session with {@code haystack:trace true}, or the log).
 */
@Export
@Version("1.0.0")
package haystack.api.trace;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
