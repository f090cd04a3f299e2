package haystack.acme.internal;

import java.time.Duration;
import java.time.Instant;

import haystack.api.tls.ServedCertificate;

/**
 * When a certificate is renewed: once a third of its lifetime is left (as Let's Encrypt
 * advises for 90-day certificates), or {@code before} its expiry when that is set (tests
 * shorten the window to see a renewal).
 */
record RenewalWindow(Duration before) {

    static final RenewalWindow THIRD_OF_LIFETIME = new RenewalWindow(Duration.ZERO);

    RenewalWindow {
        if (before.isNegative()) {
            throw new IllegalArgumentException("renewal window cannot be negative: " + before);
        }
    }

    Instant renewAt(ServedCertificate c) {
        Instant notAfter = c.notAfter();
        if (!before.isZero()) {
            return notAfter.minus(before);
        }
        Duration lifetime = Duration.between(c.notBefore(), notAfter);
        return notAfter.minus(lifetime.isNegative() ? Duration.ZERO : lifetime.dividedBy(3));
    }
}
