package haystack.lb.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import haystack.api.tls.ServedCertificate;
import haystack.testing.OpenSsl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PEM as openssl writes it: every key format, chains, and what is refused with a reason. */
class PemTest {

    @TempDir
    static Path dir;
    static OpenSsl ca;

    @BeforeAll
    static void ca() throws Exception {
        ca = new OpenSsl(dir.resolve("ca"));
    }

    @ParameterizedTest
    @CsvSource({"ec, EC PRIVATE KEY, EC", "ec-pkcs8, PRIVATE KEY, EC", "rsa, RSA PRIVATE KEY, RSA", "rsa-pkcs8, PRIVATE KEY, RSA"})
    void everyKeyFormatWithItsChain(String keyType, String label, String algorithm) throws Exception {
        Path[] files = ca.leaf("leaf-" + keyType, keyType, 10, "one.example.test", "*.two.example.test");
        String key = Files.readString(files[1]);
        assertTrue(key.contains("-----BEGIN " + label + "-----"), key);
        Pem.Contents contents = Pem.parse(Files.readString(files[0]) + key);
        assertEquals(2, contents.certificates().size(), "leaf and CA");
        assertEquals(algorithm, contents.key().getAlgorithm());
        ServedCertificate served = Certificates.served("leaf", "dir", contents, Instant.now());
        assertEquals(List.of("one.example.test", "*.two.example.test"), served.dnsNames());
        assertEquals("one.example.test", Certificates.commonName(served.leaf()));
        assertEquals(2, served.chain().size());
    }

    @Test
    void theLeafIsTheKeysCertificateWhateverTheOrder() throws Exception {
        Path[] files = ca.leaf("order", "ec", 10, "order.example.test");
        String caFirst = Files.readString(ca.caCert) + Files.readString(files[0]).replace(Files.readString(ca.caCert), "");
        ServedCertificate served = Certificates.served("order", "dir", Pem.parse(caFirst + Files.readString(files[1])), Instant.now());
        assertEquals("order.example.test", Certificates.commonName(served.leaf()));
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
        Path[] one = ca.leaf("m1", "ec", 10, "m1.example.test");
        Path[] two = ca.leaf("m2", "rsa", 10, "m2.example.test");
        Path[] three = ca.leaf("m3", "ec", 10, "m3.example.test");
        IllegalArgumentException rsaKey = assertThrows(IllegalArgumentException.class, () -> Certificates.served("m", "dir",
                Pem.parse(Files.readString(one[0]).replace(Files.readString(ca.caCert), "") + Files.readString(two[1])), Instant.now()));
        assertTrue(rsaKey.getMessage().contains("does not match"), rsaKey.getMessage());
        IllegalArgumentException otherEc = assertThrows(IllegalArgumentException.class, () -> Certificates.served("m", "dir",
                Pem.parse(Files.readString(one[0]).replace(Files.readString(ca.caCert), "") + Files.readString(three[1])), Instant.now()));
        assertTrue(otherEc.getMessage().contains("does not match"), otherEc.getMessage());
    }

    @Test
    void expiredOrNotYetValidIsRefused() throws Exception {
        Path[] files = ca.leaf("exp", "ec", 1, "exp.example.test");
        Pem.Contents c = Pem.parse(Files.readString(files[0]) + Files.readString(files[1]));
        IllegalArgumentException expired = assertThrows(IllegalArgumentException.class,
                () -> Certificates.served("exp", "dir", c, Instant.now().plus(Duration.ofDays(3))));
        assertTrue(expired.getMessage().contains("expired"), expired.getMessage());
        IllegalArgumentException early = assertThrows(IllegalArgumentException.class,
                () -> Certificates.served("exp", "dir", c, Instant.now().minus(Duration.ofDays(3))));
        assertTrue(early.getMessage().contains("valid only from"), early.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not pem at all | no private key",
        "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE----- | not an X.509 certificate",
        "-----BEGIN CERTIFICATE-----\\n!!!!\\n-----END CERTIFICATE----- | not an X.509 certificate",
        "-----BEGIN CERTIFICATE-----\\nAAAA\\n | no END line",
        "-----BEGIN EC PRIVATE KEY-----\\nMAMCAQE=\\n-----END EC PRIVATE KEY----- | not a usable key",
        "-----BEGIN RSA PRIVATE KEY-----\\nMIIBOgIBAAJBAK\\n-----END RSA PRIVATE KEY----- | not a usable key",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\\nAAAA\\n-----END ENCRYPTED PRIVATE KEY----- | encrypted",
        "-----BEGIN RSA PRIVATE KEY-----\\nProc-Type: 4,ENCRYPTED\\nAAAA\\n-----END RSA PRIVATE KEY----- | encrypted",
        "-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY----- | unexpected PEM block"})
    void garbageIsRefusedWithAReason(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Certificates.served("g", "dir", Pem.parse(text.replace("\\n", "\n")), Instant.now()));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void derLengthsPastTheEndAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Der.read(new byte[] {0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
        assertThrows(IllegalArgumentException.class, () -> Der.read(new byte[] {0x30, 0x05, 0x02, 0x01}));
        assertThrows(IllegalArgumentException.class, () -> Der.read(new byte[] {0x30}));
    }

    @Test
    void theDefaultCertificateIsMadeOnceAndKept(@TempDir Path data) throws Exception {
        ServedCertificate first = DefaultCertificate.loadOrCreate(data);
        assertEquals("EC", first.key().getAlgorithm());
        assertEquals("Haystack default certificate", Certificates.commonName(first.leaf()));
        first.leaf().verify(first.leaf().getPublicKey());
        ServedCertificate again = DefaultCertificate.loadOrCreate(data);
        assertEquals(first.leaf(), again.leaf(), "the same certificate after a restart");
        Files.writeString(data.resolve(DefaultCertificate.FILE), "broken");
        ServedCertificate remade = DefaultCertificate.loadOrCreate(data);
        assertTrue(!remade.leaf().equals(first.leaf()));
        // openssl reads what the JDK-free encoder wrote
        OpenSsl.Result text = OpenSsl.run(List.of("openssl", "x509", "-noout", "-subject", "-in", data.resolve(DefaultCertificate.FILE).toString()), null);
        assertEquals(0, text.status(), text.out());
        assertTrue(text.out().contains("Haystack default certificate"), text.out());
    }
}
