package haystack.acme.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;

import haystack.api.tls.ServedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import haystack.testing.LogLines;

/** Stored certificates and the account key: round trips, and every kind of broken file logged once and replaced. */
class CertificateFilesTest {

    @TempDir
    Path root;
    private Path dir;
    private LogLines log;

    @BeforeEach
    void start() {
        dir = root.resolve("acme");
        log = new LogLines();
    }

    @AfterEach
    void stop() {
        log.close();
    }

    @Test
    void aSavedCertificateLoadsBackWithItsKeyChainAndNames() throws Exception {
        Issuer.Issued issued = OpensslCertificates.selfSigned(root.resolve("made"), "web.haystack", 90);
        CertificateFiles files = new CertificateFiles(dir);
        files.save("web.haystack", issued.key(), issued.chain());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("web.haystack.pem"))));
        Map<String, ServedCertificate> loaded = new CertificateFiles(dir).load();
        ServedCertificate c = loaded.get("web.haystack");
        assertEquals("acme", c.source());
        assertEquals(List.of("web.haystack"), c.dnsNames());
        assertEquals(issued.chain(), c.chain());
        assertEquals(issued.key(), c.key());
        try (var files2 = Files.list(dir)) {
            assertEquals(List.of("web.haystack.pem"), files2.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
    }

    @Test
    void brokenFilesAreLoggedOnceEachAndSkipped() throws Exception {
        Issuer.Issued a = OpensslCertificates.selfSigned(root.resolve("made"), "good.haystack", 90);
        Issuer.Issued b = OpensslCertificates.selfSigned(root.resolve("made"), "b.haystack", 90);
        CertificateFiles files = new CertificateFiles(dir);
        files.save("good.haystack", a.key(), a.chain());
        // a key that is not the certificate's
        files.save("mismatch.haystack", b.key(), a.chain());
        // a certificate for another name than the file's
        files.save("other.haystack", a.key(), a.chain());
        Files.writeString(dir.resolve("garbage.haystack.pem"), "-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n");
        Files.writeString(dir.resolve("empty.haystack.pem"), "");
        Files.write(dir.resolve("binary.haystack.pem"), new byte[] { 0, 1, 2, (byte) 0xff });
        Files.write(dir.resolve("huge.haystack.pem"), new byte[(int) CertificateFiles.MAX_FILE_BYTES + 1]);
        String pem = Files.readString(dir.resolve("good.haystack.pem"));
        Files.writeString(dir.resolve("truncated.haystack.pem"), pem.substring(0, pem.length() / 2));

        Map<String, ServedCertificate> loaded = new CertificateFiles(dir).load();

        assertEquals(List.of("good.haystack"), List.copyOf(loaded.keySet()));
        for (String host : List.of("mismatch.haystack", "other.haystack", "garbage.haystack", "empty.haystack", "binary.haystack",
                "huge.haystack", "truncated.haystack")) {
            assertEquals(1, log.containing("acme stored certificate unusable", "host=" + host).size(), host + "\n" + String.join("\n", log.lines()));
        }
    }

    @Test
    void hostNamesThatCannotNameAFileAreRefused() {
        CertificateFiles files = new CertificateFiles(dir);
        for (String bad : List.of("../etc/passwd", "a/b", ".hidden", "UPPER.haystack", "a..b", "")) {
            assertFalse(CertificateFiles.isFileName(bad) && !bad.isEmpty(), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> files.file("../x"));
        assertTrue(CertificateFiles.isFileName("web-1.haystack"));
    }

    @Test
    void theAccountKeyIsMadeOnceThenReused() throws Exception {
        KeyPair first = new AccountKey(dir).loadOrCreate();
        KeyPair again = new AccountKey(dir).loadOrCreate();
        assertEquals(first.getPublic(), again.getPublic());
        assertEquals(first.getPrivate(), again.getPrivate());
        assertEquals(1, log.containing("acme account key created").size());
    }

    @Test
    void aCorruptAccountKeyIsLoggedKeptAsideAndReplaced() throws Exception {
        KeyPair first = new AccountKey(dir).loadOrCreate();
        Path file = dir.resolve(AccountKey.FILE);
        Files.writeString(file, Files.readString(file).replace("PUBLIC KEY", "NOTHING"));
        KeyPair second = new AccountKey(dir).loadOrCreate();
        assertNotEquals(first.getPublic(), second.getPublic());
        assertTrue(Files.exists(dir.resolve(AccountKey.FILE + ".broken")));
        assertEquals(1, log.containing("acme account key unusable", "action=replaced").size(), String.join("\n", log.lines()));
        assertEquals(second.getPublic(), new AccountKey(dir).loadOrCreate().getPublic());

        // two halves of different keys
        KeyPair other = EcKeys.generate();
        Files.writeString(file, Pem.encode(Pem.PRIVATE_KEY, other.getPrivate().getEncoded()) + Pem.encode(Pem.PUBLIC_KEY, second.getPublic().getEncoded()));
        assertNotEquals(second.getPublic(), new AccountKey(dir).loadOrCreate().getPublic());
        assertEquals(2, log.containing("acme account key unusable").size());
    }
}
