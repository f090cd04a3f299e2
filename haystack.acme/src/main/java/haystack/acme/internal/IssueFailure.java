package haystack.acme.internal;

import java.time.Instant;
import java.util.Optional;

/**
 * Why an order did not end in a certificate, in one line. {@link #refused()} when the CA
 * said it will not issue for the name (RFC 8555 §6.7 rejectedIdentifier and kin): asking
 * again soon would get the same answer.
 */
final class IssueFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean refused;
    private final transient Instant retryAfter;

    IssueFailure(String reason, boolean refused, Instant retryAfter) {
        super(reason);
        this.refused = refused;
        this.retryAfter = retryAfter;
    }

    IssueFailure(String reason) {
        this(reason, false, null);
    }

    boolean refused() {
        return refused;
    }

    /** When the CA asked to be asked again (Retry-After of a rate limit), if it did. */
    Optional<Instant> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
