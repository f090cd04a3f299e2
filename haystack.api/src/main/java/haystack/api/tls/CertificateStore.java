package haystack.api.tls;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The certificates the HTTPS listener serves, chosen by SNI. Sources (the TLS directory,
 * ACME) write to it; commands, pages and ACME read it. Implemented by the load balancer.
 */
@ProviderType
public interface CertificateStore {

    /**
     * Replaces everything {@code source} serves with {@code certificates}, effective for new
     * connections (an empty collection withdraws the source).
     */
    void replace(String source, Collection<ServedCertificate> certificates);

    /** Everything served now, from every source. */
    List<ServedCertificate> certificates();

    /**
     * The certificate a client asking for {@code host} by SNI gets from {@code source}, or
     * from any source when {@code source} is null; never the default certificate served
     * when nothing matches.
     */
    Optional<ServedCertificate> match(String host, String source);
}
