package haystack.api.tls;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * ACME HTTP-01 (RFC 8555 §8.3) answers: the plain HTTP listener asks every such service for
 * {@code /.well-known/acme-challenge/<token>} before routing, on any host name.
 */
@ConsumerType
public interface HttpChallenges {

    /** The key authorization to answer with, as {@code text/plain}, or empty when unknown. */
    Optional<String> keyAuthorization(String token);
}
