package haystack.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made with the real {@code openssl} command, and leaf
 * certificates it signs: what an operator puts in HAYSTACK_TLS_DIR. Also runs
 * {@code openssl s_client} and {@code curl} against a TLS port, as clients do.
 */
public final class OpenSsl {

    /** The output of one command. */
    public record Result(int status, String out) {
    }

    private final Path dir;
    public final Path caCert;
    private final Path caKey;

    /** A new CA (ECDSA P-256) in {@code dir}. */
    public OpenSsl(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.caKey = dir.resolve("ca.key");
        this.caCert = dir.resolve("ca.crt");
        ok("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", caKey.toString());
        ok("openssl", "req", "-x509", "-new", "-key", caKey.toString(), "-sha256", "-days", "30", "-subj", "/CN=Haystack Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", caCert.toString());
    }

    /**
     * A leaf for {@code names} (SANs; the first also its CN) with a new key of
     * {@code keyType}: {@code ec} (SEC1, "EC PRIVATE KEY"), {@code ec-pkcs8}, {@code rsa}
     * (PKCS#1, "RSA PRIVATE KEY") or {@code rsa-pkcs8}; writes {@code base.key} and
     * {@code base.crt} (the leaf then the CA: a chain) in the working directory, and
     * returns their paths.
     */
    public Path[] leaf(String base, String keyType, int days, String... names) throws IOException {
        Path key = dir.resolve(base + ".key");
        Path csr = dir.resolve(base + ".csr");
        Path crt = dir.resolve(base + ".crt");
        Path ext = dir.resolve(base + ".ext");
        switch (keyType) {
            case "ec" -> ok("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
            case "ec-pkcs8" -> ok("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
            case "rsa" -> ok("openssl", "genrsa", "-traditional", "-out", key.toString(), "2048");
            case "rsa-pkcs8" -> ok("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
            default -> throw new IllegalArgumentException(keyType);
        }
        ok("openssl", "req", "-new", "-key", key.toString(), "-subj", "/CN=" + names[0], "-out", csr.toString());
        StringBuilder san = new StringBuilder("subjectAltName=");
        for (int i = 0; i < names.length; i++) {
            san.append(i == 0 ? "" : ",").append("DNS:").append(names[i]);
        }
        Files.writeString(ext, san + "\nbasicConstraints=CA:FALSE\n");
        ok("openssl", "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(), "-CAcreateserial",
                "-days", String.valueOf(days), "-sha256", "-extfile", ext.toString(), "-out", crt.toString());
        Files.writeString(crt, Files.readString(crt) + Files.readString(caCert));
        Files.delete(csr);
        Files.delete(ext);
        return new Path[] {crt, key};
    }

    /** Runs a command with a 30 s limit, stdout and stderr together. */
    public static Result run(List<String> command, String stdin) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void ok(String... command) throws IOException {
        Result r = run(List.of(command), null);
        if (r.status() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + r.out());
        }
    }

    /** {@code openssl s_client} to 127.0.0.1:{@code port} with SNI {@code serverName} (none when null), extra arguments after. */
    public static Result sClient(int port, String serverName, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-showcerts"));
        if (serverName == null) {
            cmd.add("-noservername");
        } else {
            cmd.addAll(List.of("-servername", serverName));
        }
        cmd.addAll(List.of(extra));
        return run(cmd, "");
    }

    /** The subject CN of the certificate {@code s_client} printed first (the server's). */
    public static String servedSubject(Result sClient) {
        for (String line : sClient.out().split("\n")) {
            String l = line.strip();
            if (l.startsWith("0 s:")) {
                int cn = l.indexOf("CN = ");
                return cn < 0 ? l : l.substring(cn + 5).split(",")[0].strip();
            }
        }
        return null;
    }

    /** {@code curl --cacert ca --resolve host:port:127.0.0.1 https://host:port/path}: status and body. */
    public Result curl(String host, int port, String path, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "--cacert", caCert.toString(),
                "--resolve", host + ":" + port + ":127.0.0.1", "-w", "\n%{http_code}"));
        cmd.addAll(List.of(extra));
        cmd.add("https://" + host + ":" + port + path);
        return run(cmd, null);
    }
}
