package haystack.api.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One certificate the HTTPS listener can present: its key, its chain (leaf first) and the
 * DNS names it serves (the leaf's SANs, wildcards as {@code *.example.com}).
 *
 * @param name     what operators call it: the file's base name, or the host ACME issued it for
 * @param source   who supplies it, for example {@code dir} or {@code acme}
 * @param dnsNames the names it serves, lower case
 * @param key      the leaf's private key
 * @param chain    leaf first, then intermediates
 */
public record ServedCertificate(String name, String source, List<String> dnsNames, PrivateKey key,
        List<X509Certificate> chain) {

    public ServedCertificate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        dnsNames = List.copyOf(dnsNames);
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs its leaf: " + name);
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }
}
