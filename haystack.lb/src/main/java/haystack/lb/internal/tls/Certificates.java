package haystack.lb.internal.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import haystack.api.tls.ServedCertificate;

/**
 * Makes a {@link ServedCertificate} of a key and certificates, or says why they cannot be
 * served: no key, no certificate, a key that is not the leaf's, a leaf expired or not yet
 * valid, no DNS name. The leaf is the certificate whose public key is the key's; the
 * others follow in file order.
 */
public final class Certificates {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {
    }

    /** @throws IllegalArgumentException saying why the pair cannot be served */
    static ServedCertificate served(String name, String source, Pem.Contents contents, Instant now) {
        if (contents.key() == null) {
            throw new IllegalArgumentException("no private key");
        }
        if (contents.certificates().isEmpty()) {
            throw new IllegalArgumentException("no certificate");
        }
        X509Certificate leaf = null;
        for (X509Certificate c : contents.certificates()) {
            if (matches(contents.key(), c.getPublicKey())) {
                leaf = c;
                break;
            }
        }
        if (leaf == null) {
            throw new IllegalArgumentException("the key does not match the certificate (" + subject(contents.certificates().get(0)) + ")");
        }
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw new IllegalArgumentException("the certificate expired at " + leaf.getNotAfter().toInstant());
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw new IllegalArgumentException("the certificate is valid only from " + leaf.getNotBefore().toInstant());
        }
        List<String> names = dnsNames(leaf);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("the certificate names no DNS name (no SAN, no CN)");
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        for (X509Certificate c : contents.certificates()) {
            if (c != leaf) {
                chain.add(c);
            }
        }
        return new ServedCertificate(name, source, names, contents.key(), chain);
    }

    /** Whether {@code key} is the private half of {@code publicKey}: it signs what the public key verifies. */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm(); // Ed25519, EdDSA
        };
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                verifier.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** The leaf's DNS names in its SANs, lower case; its CN only when it has no SAN DNS name. */
    static List<String> dnsNames(X509Certificate leaf) {
        Set<String> names = new LinkedHashSet<>();
        Collection<List<?>> sans;
        try {
            sans = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("unreadable subject alternative names: " + e.getMessage());
        }
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String dns) {
                    names.add(normal(dns));
                }
            }
        }
        if (names.isEmpty()) {
            String cn = commonName(leaf);
            if (cn != null && cn.contains(".") && !cn.contains(" ")) {
                names.add(normal(cn));
            }
        }
        return List.copyOf(names);
    }

    private static String normal(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    static String commonName(X509Certificate c) {
        try {
            for (Rdn rdn : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    private static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }
}
