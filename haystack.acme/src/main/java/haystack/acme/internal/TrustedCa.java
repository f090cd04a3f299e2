package haystack.acme.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Whom the ACME client trusts for the ACME server's HTTPS: the certificates of the PEM file
 * {@code HAYSTACK_ACME_CA} (for example pebble's own), or the JDK's trust store when unset.
 */
final class TrustedCa {

    private TrustedCa() {
    }

    static SSLContext context(String pemFile) throws IOException, GeneralSecurityException {
        if (pemFile == null || pemFile.isBlank()) {
            return SSLContext.getDefault();
        }
        Path file = Path.of(pemFile);
        if (Files.size(file) > CertificateFiles.MAX_FILE_BYTES) {
            throw new IOException("HAYSTACK_ACME_CA is larger than " + CertificateFiles.MAX_FILE_BYTES + " bytes: " + file);
        }
        List<X509Certificate> certificates = Pem.certificates(Pem.decode(Files.readAllBytes(file)));
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("HAYSTACK_ACME_CA holds no CERTIFICATE block: " + file);
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        for (int i = 0; i < certificates.size(); i++) {
            trust.setCertificateEntry("acme-ca-" + i, certificates.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
