package haystack.acme.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Self-signed EC certificates made by openssl, standing in for what a CA issues in unit tests. */
final class OpensslCertificates {

    private OpensslCertificates() {
    }

    static Issuer.Issued selfSigned(Path dir, String host, int days) throws IOException, InterruptedException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path key = Files.createTempFile(dir, host, ".key");
        Path cert = Files.createTempFile(dir, host, ".crt");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", String.valueOf(days), "-subj", "/CN=" + host,
                "-addext", "subjectAltName=DNS:" + host).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl failed: " + new String(out, StandardCharsets.UTF_8));
        }
        List<Pem.Block> keyBlocks = Pem.decode(Files.readAllBytes(key));
        return new Issuer.Issued(Pem.privateKey(keyBlocks.get(0).der()), Pem.certificates(Pem.decode(Files.readAllBytes(cert))));
    }
}
