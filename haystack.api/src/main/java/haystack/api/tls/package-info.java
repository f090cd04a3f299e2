/**
 * HTTPS (SPEC §5b): the certificates the load balancer serves and the sources that supply
 * them (the TLS directory, ACME), and the HTTP-01 challenges its plain HTTP listener answers.
 */
@Export
@Version("1.0.0")
package haystack.api.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
