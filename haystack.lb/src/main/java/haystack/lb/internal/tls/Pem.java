package haystack.lb.internal.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM (RFC 7468) certificates and private keys as OpenSSL, Let's Encrypt clients and
 * Traefik write them: certificates, and keys in PKCS#8 ({@code PRIVATE KEY}), PKCS#1
 * ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}). {@code EC PARAMETERS} blocks
 * are skipped; encrypted keys are refused with a reason.
 */
final class Pem {

    /** What one or two files held: certificates in file order, and the key if there was one. */
    record Contents(List<X509Certificate> certificates, PrivateKey key) {
    }

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final int MAX_BLOCKS = 32;
    private static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    private static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";

    private Pem() {
    }

    /** The certificates and key in {@code text}. */
    static Contents parse(String text) {
        List<X509Certificate> certificates = new ArrayList<>();
        PrivateKey key = null;
        int p = 0;
        int blocks = 0;
        while (true) {
            int begin = text.indexOf(BEGIN, p);
            if (begin < 0) {
                break;
            }
            if (++blocks > MAX_BLOCKS) {
                throw new IllegalArgumentException("more than " + MAX_BLOCKS + " PEM blocks");
            }
            int labelEnd = text.indexOf("-----", begin + BEGIN.length());
            if (labelEnd < 0) {
                throw new IllegalArgumentException("a PEM BEGIN line without its end");
            }
            String label = text.substring(begin + BEGIN.length(), labelEnd);
            String endLine = END + label + "-----";
            int end = text.indexOf(endLine, labelEnd);
            if (end < 0) {
                throw new IllegalArgumentException("PEM block " + label + " has no END line");
            }
            String body = text.substring(labelEnd + 5, end);
            p = end + endLine.length();
            if (body.contains(":")) {
                throw new IllegalArgumentException("PEM block " + label + " is encrypted (Proc-Type); only unencrypted keys are read");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(body.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("PEM block " + label + " is not base64: " + e.getMessage());
            }
            switch (label) {
                case "CERTIFICATE" -> certificates.add(certificate(der));
                case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" -> {
                    if (key != null) {
                        throw new IllegalArgumentException("more than one private key");
                    }
                    key = key(label, der);
                }
                case "EC PARAMETERS" -> {
                    // openssl ecparam -genkey writes the curve before the key; the key names it too
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("the private key is encrypted; only unencrypted keys are read");
                default -> throw new IllegalArgumentException("unexpected PEM block " + label);
            }
        }
        return new Contents(List.copyOf(certificates), key);
    }

    static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("a CERTIFICATE block is not an X.509 certificate: " + e.getMessage());
        }
    }

    static PrivateKey key(String label, byte[] der) {
        try {
            return switch (label) {
                case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8(RSA_ENCRYPTION, Der.nullValue(), der)));
                case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8(EC_PUBLIC_KEY, sec1Curve(der), der)));
                default -> pkcs8(der);
            };
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + label + " block is not a usable key: " + e.getMessage());
        }
    }

    /** A PKCS#8 key of any algorithm the JDK knows, by trying them (the algorithm OID is inside). */
    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    /** PrivateKeyInfo (RFC 5208) around a key in its algorithm's own format. */
    private static byte[] pkcs8(String algorithmOid, byte[] parameters, byte[] key) {
        return Der.sequence(Der.integer(0), Der.sequence(Der.oid(algorithmOid), parameters), Der.tlv(Der.OCTET_STRING, key));
    }

    /** The curve OID (as DER) in a SEC1 ECPrivateKey (RFC 5915 §3: its [0] parameters). */
    private static byte[] sec1Curve(byte[] der) {
        Der.Element key = Der.single(der);
        if (key.tag() != Der.SEQUENCE) {
            throw new IllegalArgumentException("SEC1 key is not a SEQUENCE");
        }
        for (Der.Element e : key.children()) {
            if (e.tag() == 0xa0) {
                Der.Element curve = Der.single(e.content());
                if (curve.tag() != Der.OID) {
                    throw new IllegalArgumentException("SEC1 key parameters are not a named curve");
                }
                return Der.tlv(Der.OID, curve.content());
            }
        }
        throw new IllegalArgumentException("SEC1 key does not name its curve");
    }

    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
