package haystack.docker.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.github.dockerjava.transport.SSLConfig;

/**
 * TLS to a Docker engine from PEM: the CA that signed the engine's certificate and the
 * client certificate and key, either as contents (DOCKER_CA, DOCKER_CERT, DOCKER_KEY) or
 * as ca.pem, cert.pem, key.pem in a directory (DOCKER_CERT_PATH). Parsed with the JDK
 * alone: keys in PKCS#8 ({@code PRIVATE KEY}, RSA or EC) or PKCS#1 ({@code RSA PRIVATE KEY}).
 */
public final class PemTls implements SSLConfig {

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    private final SSLContext context;

    private PemTls(SSLContext context) {
        this.context = context;
    }

    /**
     * The TLS settings of the configuration, or null for plain connections. PEM contents
     * win over the directory; verify without either reads {@code ~/.docker}.
     *
     * @throws IllegalArgumentException naming the setting that cannot be used
     */
    public static PemTls from(boolean verify, String certPath, String ca, String cert, String key) {
        boolean contents = !ca.isBlank() || !cert.isBlank() || !key.isBlank();
        if (contents) {
            if (ca.isBlank() || cert.isBlank() || key.isBlank()) {
                throw new IllegalArgumentException("haystack.docker tls.ca, tls.cert and tls.key (DOCKER_CA, DOCKER_CERT, DOCKER_KEY) "
                        + "must be given together; missing: " + (ca.isBlank() ? "tls.ca " : "") + (cert.isBlank() ? "tls.cert " : "")
                        + (key.isBlank() ? "tls.key" : ""));
            }
            return of(ca, cert, key, "tls.ca/tls.cert/tls.key");
        }
        if (!verify) {
            return null;
        }
        Path dir = certPath.isBlank() ? Path.of(System.getProperty("user.home"), ".docker") : Path.of(certPath);
        try {
            return of(Files.readString(dir.resolve("ca.pem")), Files.readString(dir.resolve("cert.pem")),
                    Files.readString(dir.resolve("key.pem")), "cert.path");
        } catch (IOException e) {
            throw new IllegalArgumentException("haystack.docker cert.path (DOCKER_CERT_PATH) value '" + dir
                    + "' cannot be read: it must hold ca.pem, cert.pem and key.pem (" + e.getMessage() + ")", e);
        }
    }

    static PemTls of(String ca, String cert, String key, String setting) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate c : certificates(ca)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            List<Certificate> chain = certificates(cert);
            if (i == 0 || chain.isEmpty()) {
                throw new IllegalArgumentException("no CERTIFICATE block");
            }
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", privateKey(key), password, chain.toArray(new Certificate[0]));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return new PemTls(context);
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("haystack.docker " + setting + " is not usable PEM: " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(String pem) throws GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<Certificate> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                out.add(cf.generateCertificate(new ByteArrayInputStream(decode(m.group(2)))));
            }
        }
        return out;
    }

    static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            byte[] der = decode(m.group(2));
            switch (m.group(1)) {
                case "PRIVATE KEY" -> {
                    for (String alg : List.of("RSA", "EC", "Ed25519")) {
                        try {
                            return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
                        } catch (GeneralSecurityException e) {
                            // try the next algorithm
                        }
                    }
                    throw new GeneralSecurityException("PRIVATE KEY is neither RSA, EC nor Ed25519");
                }
                case "RSA PRIVATE KEY" -> {
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1ToPkcs8(der)));
                }
                case "EC PRIVATE KEY" -> throw new GeneralSecurityException(
                        "EC PRIVATE KEY (SEC1) is not read; convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
                default -> {
                    // parameters or other blocks: look further
                }
            }
        }
        throw new GeneralSecurityException("no PRIVATE KEY or RSA PRIVATE KEY block");
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (RFC 5208 §5, RFC 8017 A.1.2). */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] version = { 0x02, 0x01, 0x00 };
        byte[] rsaAlgorithm = { 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 };
        byte[] octets = der(0x04, pkcs1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(rsaAlgorithm);
        body.writeBytes(octets);
        return der(0x30, body.toByteArray());
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write((n >>> (8 * i)) & 0xff);
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] decode(String base64) {
        return Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public SSLContext getSSLContext() {
        return context;
    }
}
