package haystack.acme.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-written PKCS#10 request, checked by openssl: signature valid, subject and SAN as asked. */
class Pkcs10Test {

    @TempDir
    Path dir;

    private String openssl(byte[] der, String... args) throws Exception {
        Path csr = dir.resolve("req.der");
        Files.write(csr, der);
        List<String> cmd = new ArrayList<>(List.of("openssl", "req", "-inform", "DER", "-in", csr.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void opensslVerifiesTheSignatureAndSeesTheNameAsSubjectAndSan() throws Exception {
        byte[] der = Pkcs10.request("web.haystack", EcKeys.generate());
        String text = openssl(der, "-verify", "-noout", "-text");
        assertTrue(text.contains("verify OK") || text.contains("Certificate request self-signature verify OK"), text);
        assertTrue(text.contains("CN = web.haystack") || text.contains("CN=web.haystack"), text);
        assertTrue(text.contains("DNS:web.haystack"), text);
        assertTrue(text.contains("ecdsa-with-SHA256"), text);
    }

    @Test
    void aLongNameNeedsLongFormLengthsAndStillVerifies() throws Exception {
        String host = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + ".example";
        String text = openssl(Pkcs10.request(host, EcKeys.generate()), "-verify", "-noout", "-text");
        assertTrue(text.contains("DNS:" + host), text);
    }

    @Test
    void refusesAnRsaKeyAndANonAsciiName() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        assertThrows(GeneralSecurityException.class, () -> Pkcs10.request("web.haystack", rsa.generateKeyPair()));
        assertThrows(GeneralSecurityException.class, () -> Pkcs10.request("wéb.haystack", EcKeys.generate()));
    }
}
