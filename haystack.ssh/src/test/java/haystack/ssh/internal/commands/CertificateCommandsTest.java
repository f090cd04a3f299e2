package haystack.ssh.internal.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import haystack.api.tls.CertificateStore;
import haystack.api.tls.ServedCertificate;
import haystack.testing.OpenSsl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateCommandsTest {

    @Test
    void listsNameSourceNamesAndExpiryAndFailsForANameNoCertificateServes(@TempDir Path dir) throws Exception {
        OpenSsl ca = new OpenSsl(dir);
        Path[] files = ca.leaf("shop", "ec-pkcs8", 30, "shop.example.test", "*.shop.example.test");
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(files[0])) {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        String pem = Files.readString(files[1]).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        ServedCertificate shop = new ServedCertificate("shop", "dir", List.of("shop.example.test", "*.shop.example.test"), key, List.of(leaf));
        CertificateStore store = new CertificateStore() {
            public void replace(String source, Collection<ServedCertificate> certificates) {
            }

            public List<ServedCertificate> certificates() {
                return List.of(shop);
            }

            public Optional<ServedCertificate> match(String host, String source) {
                return host.endsWith("shop.example.test") ? Optional.of(shop) : Optional.empty();
            }
        };
        CertificateCommands commands = new CertificateCommands(store);
        List<String> lines = commands.certs().lines().toList();
        assertTrue(lines.get(0).startsWith("NAME  SOURCE  DNS NAMES"), lines.get(0));
        assertTrue(lines.get(1).startsWith("shop  dir     shop.example.test,*.shop.example.test  " + leaf.getNotAfter().toInstant()), lines.get(1));
        assertTrue(lines.get(1).contains(" 29 ") || lines.get(1).contains(" 30 "), lines.get(1));
        assertEquals("1 certificate", lines.get(2));
        assertTrue(commands.certs("a.shop.example.test").contains("shop.example.test"));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> commands.certs("other.example.test"));
        assertTrue(none.getMessage().contains("default certificate"), none.getMessage());
    }
}
