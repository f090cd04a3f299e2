package haystack.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real ACME server for tests: Debian's {@code pebble} on free loopback ports, with its own
 * TLS certificate made by openssl for 127.0.0.1 ({@link #caFile()}, what a client must
 * trust), validating HTTP-01 on {@code httpPort} of the address {@code dnsServer} gives.
 * No random validation delays ({@code PEBBLE_VA_NOSLEEP}), no rejected nonces. Output goes
 * to {@code pebble.log} in its directory.
 */
public final class Pebble implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/pebble");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private final int managementPort;
    private Process process;

    private Pebble(Path dir, int port, int managementPort) {
        this.dir = dir;
        this.port = port;
        this.managementPort = managementPort;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** What to start: where HTTP-01 is checked and how certificates come out. */
    public static final class Options {
        private String dnsServer;
        private int httpPort = 5002;
        private long validitySeconds;
        private final List<String> blocklist = new ArrayList<>();
        private final Map<String, String> environment = new HashMap<>();

        /** {@code host:port} of the resolver the validator asks for challenge addresses. */
        public Options dnsServer(String hostPort) {
            this.dnsServer = hostPort;
            return this;
        }

        /** The port the validator connects to for HTTP-01. */
        public Options httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        /** Lifetime of issued certificates (pebble's default is five years). */
        public Options validitySeconds(long seconds) {
            this.validitySeconds = seconds;
            return this;
        }

        /** Names pebble refuses (rejectedIdentifier), as a public CA refuses internal names. */
        public Options refuse(String domain) {
            blocklist.add(domain);
            return this;
        }

        /** One of pebble's PEBBLE_* switches. */
        public Options env(String name, String value) {
            environment.put(name, value);
            return this;
        }
    }

    public static Pebble start(Path dir, Options options) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Pebble pebble = new Pebble(dir, LoopbackPorts.freeTcp(), LoopbackPorts.freeTcp());
        pebble.launch(options);
        return pebble;
    }

    /** {@code https://127.0.0.1:<port>/dir}. */
    public String directoryUrl() {
        return "https://127.0.0.1:" + port + "/dir";
    }

    public int port() {
        return port;
    }

    /** Pebble's own TLS certificate (PEM): trust it to talk to pebble. */
    public Path caFile() {
        return dir.resolve("pebble-cert.pem");
    }

    /** The root that issued certificates chain to, from the management port. */
    public X509Certificate root() throws IOException {
        HttpsURLConnection c = (HttpsURLConnection) new URL("https://127.0.0.1:" + managementPort + "/roots/0").openConnection();
        try {
            c.setSSLSocketFactory(trustingPebble().getSocketFactory());
            c.setConnectTimeout(5000);
            c.setReadTimeout(5000);
            if (c.getResponseCode() != 200) {
                throw new IOException("pebble /roots/0 answered " + c.getResponseCode());
            }
            try (InputStream in = c.getInputStream()) {
                return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        } finally {
            c.disconnect();
        }
    }

    /** An SSL context trusting pebble's own certificate. */
    public SSLContext trustingPebble() throws IOException {
        try (InputStream in = Files.newInputStream(caFile())) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("pebble", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    public String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("pebble.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void launch(Options o) throws IOException, InterruptedException {
        Path cert = caFile();
        Path key = dir.resolve("pebble-key.pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"));
        StringBuilder blocklist = new StringBuilder();
        for (String d : o.blocklist) {
            blocklist.append(blocklist.length() == 0 ? "" : ",").append('"').append(d).append('"');
        }
        String config = "{\"pebble\":{\"listenAddress\":\"127.0.0.1:" + port + "\",\"managementListenAddress\":\"127.0.0.1:" + managementPort
                + "\",\"certificate\":\"" + cert + "\",\"privateKey\":\"" + key + "\",\"httpPort\":" + o.httpPort
                + ",\"tlsPort\":" + LoopbackPorts.freeTcp() + ",\"ocspResponderURL\":\"\",\"externalAccountBindingRequired\":false"
                + (o.validitySeconds > 0 ? ",\"certificateValidityPeriod\":" + o.validitySeconds : "")
                + ",\"domainBlocklist\":[" + blocklist + "]}}";
        Path configFile = dir.resolve("pebble-config.json");
        Files.writeString(configFile, config);
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-config", configFile.toString()));
        if (o.dnsServer != null) {
            cmd.add("-dnsserver");
            cmd.add(o.dnsServer);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pebble.log").toFile()));
        pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
        pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        pb.environment().putAll(o.environment);
        process = pb.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!answers()) {
            if (!process.isAlive()) {
                throw new IOException("pebble exited " + process.exitValue() + ": " + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("pebble not answering within " + START_TIMEOUT + ": " + log());
            }
            Thread.sleep(50);
        }
    }

    private boolean answers() {
        try {
            HttpsURLConnection c = (HttpsURLConnection) new URL(directoryUrl()).openConnection();
            c.setSSLSocketFactory(trustingPebble().getSocketFactory());
            c.setConnectTimeout(1000);
            c.setReadTimeout(1000);
            try {
                return c.getResponseCode() == 200 && managementAnswers();
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private boolean managementAnswers() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), managementPort)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(cmd.get(0) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }


    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    @Override
    public String toString() {
        return "pebble " + directoryUrl();
    }
}
