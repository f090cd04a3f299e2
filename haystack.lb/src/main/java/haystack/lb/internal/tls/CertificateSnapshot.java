package haystack.lb.internal.tls;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import haystack.api.tls.ServedCertificate;

/**
 * Every certificate served at one moment, indexed for SNI (immutable; replaced as a whole
 * when a source changes). A name is looked up exactly first, then as a wildcard one label
 * deep ({@code *.example.com} serves {@code a.example.com}, not {@code a.b.example.com}
 * nor {@code example.com}, RFC 6125 §6.4.3). Among certificates for the same name, those
 * from the TLS directory come first (an operator's file beats ACME), then the one valid
 * the longest. With no match, the default certificate: the directory's {@code default}
 * pair when there is one, else the generated one.
 */
final class CertificateSnapshot {

    static final String DIRECTORY_SOURCE = "dir";

    private final List<ServedCertificate> all;
    private final Map<String, List<ServedCertificate>> exact = new HashMap<>();
    private final Map<String, List<ServedCertificate>> wildcard = new HashMap<>();
    private final ServedCertificate fallback;

    CertificateSnapshot(List<ServedCertificate> certificates, ServedCertificate generated) {
        List<ServedCertificate> sorted = new ArrayList<>(certificates);
        sorted.sort(Comparator.comparing((ServedCertificate c) -> !DIRECTORY_SOURCE.equals(c.source()))
                .thenComparing(ServedCertificate::notAfter, Comparator.reverseOrder())
                .thenComparing(ServedCertificate::name));
        this.all = List.copyOf(sorted);
        ServedCertificate chosenDefault = generated;
        for (ServedCertificate c : all) {
            if (DIRECTORY_SOURCE.equals(c.source()) && DefaultCertificate.NAME.equals(c.name())) {
                chosenDefault = c;
            }
            for (String name : c.dnsNames()) {
                if (name.startsWith("*.")) {
                    wildcard.computeIfAbsent(name.substring(2), k -> new ArrayList<>()).add(c);
                } else {
                    exact.computeIfAbsent(name, k -> new ArrayList<>()).add(c);
                }
            }
        }
        this.fallback = chosenDefault;
    }

    List<ServedCertificate> all() {
        return all;
    }

    ServedCertificate fallback() {
        return fallback;
    }

    /** The certificates serving {@code host}, best first: exact ones, else wildcards; empty when none. */
    List<ServedCertificate> candidates(String host) {
        if (host == null || host.isEmpty()) {
            return List.of();
        }
        String h = normal(host);
        List<ServedCertificate> found = exact.get(h);
        if (found != null) {
            return found;
        }
        int dot = h.indexOf('.');
        if (dot > 0 && dot < h.length() - 1) {
            found = wildcard.get(h.substring(dot + 1));
            if (found != null) {
                return found;
            }
        }
        return List.of();
    }

    /**
     * The certificate for a handshake asking for {@code host} (null without SNI) with a key
     * of {@code keyType} (the JDK's names: EC, RSA, RSASSA-PSS, EdDSA); null when the
     * certificates for that name have no such key (the JDK then asks for the next type),
     * the default when no certificate serves the name.
     */
    ServedCertificate select(String host, String keyType) {
        List<ServedCertificate> found = candidates(host);
        if (found.isEmpty()) {
            return keyTypeOf(fallback).equals(keyType) ? fallback : null;
        }
        for (ServedCertificate c : found) {
            if (keyTypeOf(c).equals(keyType)) {
                return c;
            }
        }
        return null;
    }

    Optional<ServedCertificate> match(String host, String source) {
        return candidates(host).stream().filter(c -> source == null || source.equals(c.source())).findFirst();
    }

    static String keyTypeOf(ServedCertificate c) {
        String a = c.key().getAlgorithm();
        return a.equals("Ed25519") ? "EdDSA" : a;
    }

    static String normal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
