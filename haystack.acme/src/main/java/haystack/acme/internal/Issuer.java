package haystack.acme.internal;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** Gets a certificate for one host name: the ACME conversation, behind one call. */
interface Issuer {

    /** A new key and the chain issued for it, leaf first. */
    record Issued(PrivateKey key, List<X509Certificate> chain) {

        public Issued {
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("an issued chain has its leaf");
            }
        }
    }

    /** Blocks the calling thread, every network wait bounded by the issuer's timeout. */
    Issued issue(String host) throws IssueFailure, InterruptedException;
}
