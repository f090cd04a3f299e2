package haystack.itest.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import com.sun.net.httpserver.HttpServer;
import haystack.itest.HaystackEnv;
import haystack.itest.HaystackProcess;
import haystack.itest.Ports;
import haystack.testing.Pebble;
import haystack.testing.RequiresPebble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import haystack.testing.LoopbackPorts;

/**
 * ACME on the exported jar (SPEC §5b), against a real ACME server: pebble resolves names
 * with Haystack's own DNS and validates HTTP-01 on Haystack's own HTTP port; a file-source
 * service is then served over HTTPS with a certificate chaining to pebble's root within a
 * minute. Shortening the renewal window (a config file, picked up while running) renews it
 * from the stored copy. Needs the HTTPS listener and certificate store of haystack.lb.
 */
@RequiresPebble
class AcmeTest {

    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final String HOST = "acme.services.haystack";

    @Test
    void aRoutedServiceGetsACertificateFromPebbleServedOverHttpsAndRenewed(@TempDir Path dir) throws Exception {
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        backend.createContext("/", exchange -> {
            byte[] b = "backend".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, b.length);
            exchange.getResponseBody().write(b);
            exchange.close();
        });
        backend.start();
        int http = Ports.free();
        int https = Ports.free();
        int dns = LoopbackPorts.freeUdpAndTcp();
        Path services = Files.createDirectory(dir.resolve("services"));
        // present from the start, so Haystack watches it
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(services.resolve("acme.yaml"), "endpoints:\n  - 127.0.0.1:" + backend.getAddress().getPort() + "\n");

        try (Pebble pebble = Pebble.start(dir.resolve("pebble"), new Pebble.Options().dnsServer("127.0.0.1:" + dns).httpPort(http))) {
            Map<String, String> env = HaystackEnv.under(dir).loopback().port("HTTP", http).port("HTTPS", https).port("DNS", dns)
                    .set("HAYSTACK_SERVICES_DIR", services.toString())
                    .set("HAYSTACK_ACME_DIRECTORY", pebble.directoryUrl()).set("HAYSTACK_ACME_CA", pebble.caFile().toString())
                    .set("HAYSTACK_ACME_EMAIL", "ops@example.com").set("HAYSTACK_ACME_RETRY_MIN", "1000").map();
            X509Certificate root = pebble.root();
            try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, dir, env)) {
                // a minute from start-up: the JVM's own start on a busy machine is not ACME's
                haystack.awaitLine(l -> l.contains("haystack started"), STARTUP);
                long started = System.nanoTime();
                haystack.awaitLine(l -> l.contains("acme certificate issued host=" + HOST + " kind=new"), WITHIN);
                System.out.println("AcmeTest: first certificate issued " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms after 'haystack started'");
                haystack.lines().stream().filter(l -> l.contains("haystack started") || l.contains(" acme ")).forEach(l -> System.out.println("AcmeTest: " + l));
                X509Certificate first = servedChainingTo(https, root);

                // the renewal window covers the whole lifetime now: the stored certificate is due at once
                Files.writeString(conf.resolve("haystack.acme.cfg"), "renew.before=315360000\norders.per.hour=40\n");
                haystack.awaitLine(l -> l.contains("acme certificate loaded host=" + HOST), WITHIN);
                haystack.awaitLine(l -> l.contains("acme certificate issued host=" + HOST + " kind=renewal"), WITHIN);
                X509Certificate renewed = first;
                long deadline = System.nanoTime() + WITHIN.toNanos();
                while (renewed.getSerialNumber().equals(first.getSerialNumber()) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    renewed = servedChainingTo(https, root);
                }
                assertNotEquals(first.getSerialNumber(), renewed.getSerialNumber(), "the renewed certificate is served");
                assertTrue(haystack.lines().stream().noneMatch(l -> l.contains("acme order failed") && l.contains(HOST)), haystack.output());
            }
        } finally {
            backend.stop(0);
        }
    }

    /** The leaf served for {@link #HOST} by SNI, after checking its chain up to {@code root}. */
    private static X509Certificate servedChainingTo(int port, X509Certificate root) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] { new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // checked below, against pebble's root
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        } }, null);
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            SSLParameters p = socket.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(HOST)));
            socket.setSSLParameters(p);
            socket.startHandshake();
            Certificate[] chain = socket.getSession().getPeerCertificates();
            X509Certificate leaf = (X509Certificate) chain[0];
            assertTrue(leaf.getSubjectAlternativeNames().stream().anyMatch(san -> HOST.equals(san.get(1))), leaf.toString());
            for (int i = 0; i + 1 < chain.length; i++) {
                chain[i].verify(chain[i + 1].getPublicKey());
            }
            chain[chain.length - 1].verify(root.getPublicKey());
            return leaf;
        }
    }

}
