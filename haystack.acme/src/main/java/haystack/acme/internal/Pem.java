package haystack.acme.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM (RFC 7468) blocks: what this bundle writes (EC keys, certificate chains) and reads back. */
final class Pem {

    static final String PRIVATE_KEY = "PRIVATE KEY";
    static final String PUBLIC_KEY = "PUBLIC KEY";
    static final String CERTIFICATE = "CERTIFICATE";

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]{1,40})-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    /** One decoded block. */
    record Block(String label, byte[] der) {
    }

    private Pem() {
    }

    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    static String encode(List<X509Certificate> chain) throws CertificateException {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : chain) {
            out.append(encode(CERTIFICATE, c.getEncoded()));
        }
        return out.toString();
    }

    /** Every well-formed block in {@code text}, in order; text between blocks is ignored. */
    static List<Block> decode(String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad base64 in a " + m.group(1) + " block");
            }
        }
        return blocks;
    }

    static List<Block> decode(byte[] bytes) {
        return decode(new String(bytes, StandardCharsets.US_ASCII));
    }

    static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    static PublicKey ecPublicKey(byte[] spki) throws GeneralSecurityException {
        return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
    }

    static X509Certificate certificate(byte[] der) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** Every certificate block of {@code blocks}, in order. */
    static List<X509Certificate> certificates(List<Block> blocks) throws CertificateException {
        List<X509Certificate> chain = new ArrayList<>();
        for (Block b : blocks) {
            if (CERTIFICATE.equals(b.label())) {
                chain.add(certificate(b.der()));
            }
        }
        return chain;
    }
}
