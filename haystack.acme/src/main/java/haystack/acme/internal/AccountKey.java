package haystack.acme.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACME account key (EC P-256) in {@code HAYSTACK_DATA/acme/account.key}: both halves as
 * PEM, since the JDK cannot derive an EC public key from the private one. Made on first
 * use; a file that cannot be used is logged, kept aside as {@code account.key.broken} and
 * replaced by a new key (the CA then knows a new account).
 */
final class AccountKey {

    private static final Logger LOG = LoggerFactory.getLogger(AccountKey.class);
    static final String FILE = "account.key";

    private final Path file;

    AccountKey(Path dir) {
        this.file = dir.resolve(FILE);
    }

    Path file() {
        return file;
    }

    /** The stored key, or a new one stored now. */
    KeyPair loadOrCreate() throws IOException {
        if (Files.exists(file)) {
            try {
                return read();
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                Path aside = file.resolveSibling(FILE + ".broken");
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                LOG.warn("acme account key unusable file={} reason=\"{}\" action=replaced keptAs={}", file, e.getMessage(), aside);
            }
        }
        KeyPair key = EcKeys.generate();
        CertificateFiles.writePrivately(file, Pem.encode(Pem.PRIVATE_KEY, key.getPrivate().getEncoded())
                + Pem.encode(Pem.PUBLIC_KEY, key.getPublic().getEncoded()));
        LOG.info("acme account key created file={}", file);
        return key;
    }

    private KeyPair read() throws IOException, GeneralSecurityException {
        if (Files.size(file) > CertificateFiles.MAX_FILE_BYTES) {
            throw new IOException("larger than " + CertificateFiles.MAX_FILE_BYTES + " bytes");
        }
        List<Pem.Block> blocks = Pem.decode(Files.readAllBytes(file));
        PrivateKey key = null;
        PublicKey pub = null;
        for (Pem.Block b : blocks) {
            if (Pem.PRIVATE_KEY.equals(b.label()) && key == null) {
                key = Pem.privateKey(b.der());
            } else if (Pem.PUBLIC_KEY.equals(b.label()) && pub == null) {
                pub = Pem.ecPublicKey(b.der());
            }
        }
        if (key == null || pub == null) {
            throw new GeneralSecurityException("needs a PRIVATE KEY and a PUBLIC KEY block");
        }
        if (!EcKeys.matches(key, pub)) {
            throw new GeneralSecurityException("the two halves do not match");
        }
        return new KeyPair(pub, key);
    }
}
