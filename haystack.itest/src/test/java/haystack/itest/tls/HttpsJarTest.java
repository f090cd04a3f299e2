package haystack.itest.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.sun.net.httpserver.HttpServer;
import haystack.itest.HaystackEnv;
import haystack.itest.HaystackProcess;
import haystack.testing.OpenSsl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the exported jar (SPEC §5b) with an openssl-made CA: curl and s_client choose
 * certificates by SNI from HAYSTACK_TLS_DIR, the default certificate without SNI, a
 * certificate added while running, a key that is not its certificate's skipped with one
 * line, the backend (a file-source loopback server) seeing X-Forwarded-Proto: https, and
 * the hostile clients: not TLS, TLS 1.0, a handshake that stops.
 */
class HttpsJarTest {

    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final String DEFAULT_SUBJECT = "Haystack default certificate";

    @Test
    void servesCertificatesBySniFromTheWatchedDirectory(@TempDir Path dir) throws Exception {
        OpenSsl ca = new OpenSsl(dir.resolve("ca"));
        Path tls = Files.createDirectories(dir.resolve("tls"));
        install(ca, tls, "a", "ec", "a.example.test");
        install(ca, tls, "b", "rsa", "b.example.test");
        install(ca, tls, "wild", "ec-pkcs8", "*.wild.example.test");
        // one file holding chain and key
        Path[] pem = ca.leaf("both", "rsa-pkcs8", 30, "both.example.test");
        write(tls.resolve("both.pem"), Files.readString(pem[0]) + Files.readString(pem[1]));

        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        backend.createContext("/", exchange -> {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            byte[] body = ("proto=" + headers.get("x-forwarded-proto") + " host=" + headers.get("host") + "\n").getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        Path services = Files.createDirectory(dir.resolve("services"));
        write(services.resolve("shop.yaml"), "endpoints:\n  - 127.0.0.1:" + backend.getAddress().getPort()
                + "\naliases: [a.example.test, b.example.test, x.wild.example.test, both.example.test, late.example.test]\n");

        Map<String, String> env = HaystackEnv.under(dir).loopbackListeners().set("HAYSTACK_SERVICES_DIR", services.toString())
                .set("HAYSTACK_TLS_DIR", tls.toString()).set("HAYSTACK_LB_HEAD_TIMEOUT", "4000").map();
        try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, dir, env)) {
            int https = haystack.listenedPort("listener=https port=");
            int admin = haystack.listenedPort("listener=admin port=");
            haystack.awaitLine(l -> l.contains("haystack started"), Duration.ofSeconds(60));
            haystack.awaitLine(l -> l.contains("file service loaded service=shop"), Duration.ofSeconds(30));

            // the first handshakes of a cold JVM on a busy machine may take longer than the head timeout
            for (int i = 0; i < 10 && OpenSsl.servedSubject(OpenSsl.sClient(https, "a.example.test")) == null; i++) {
                Thread.sleep(200);
            }
            // two names by two certificates (ECDSA and RSA), a wildcard, one .pem: curl checks the chain to our CA
            for (String host : List.of("a.example.test", "b.example.test", "x.wild.example.test", "both.example.test")) {
                OpenSsl.Result r = ca.curl(host, https, "/");
                assertTrue(r.out().endsWith("\n200"), host + ": " + r.out());
                assertTrue(r.out().contains("proto=https host=" + host), r.out());
            }
            assertEquals("a.example.test", OpenSsl.servedSubject(OpenSsl.sClient(https, "a.example.test")));
            assertEquals("b.example.test", OpenSsl.servedSubject(OpenSsl.sClient(https, "b.example.test")));
            assertEquals("*.wild.example.test", OpenSsl.servedSubject(OpenSsl.sClient(https, "y.wild.example.test")));
            // no SNI, an unknown name: the generated default, kept in HAYSTACK_DATA
            OpenSsl.Result noSni = OpenSsl.sClient(https, null);
            assertEquals(DEFAULT_SUBJECT, OpenSsl.servedSubject(noSni), noSni.out());
            assertEquals(DEFAULT_SUBJECT, OpenSsl.servedSubject(OpenSsl.sClient(https, "unknown.example.test")));
            assertTrue(Files.isRegularFile(dir.resolve("data").resolve("tls-default.pem")));

            // a certificate added while running: served within a second
            Path[] late = ca.leaf("late", "ec", 30, "late.example.test");
            assertEquals(DEFAULT_SUBJECT, OpenSsl.servedSubject(OpenSsl.sClient(https, "late.example.test")));
            Files.move(late[1], tls.resolve("late.key"));
            Files.move(late[0], tls.resolve("late.crt"));
            long t0 = System.nanoTime();
            String served = null;
            while (System.nanoTime() - t0 < 5_000_000_000L && !"late.example.test".equals(served)) {
                served = OpenSsl.servedSubject(OpenSsl.sClient(https, "late.example.test"));
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("late.example.test", served);
            assertTrue(ms < 1500, "served " + ms + " ms after the files were in place");
            assertTrue(ca.curl("late.example.test", https, "/").out().endsWith("\n200"));

            // a key that is not the certificate's: one line, skipped, the rest serve
            Path[] one = ca.leaf("m1", "ec", 30, "mismatch.example.test");
            Path[] two = ca.leaf("m2", "ec", 30, "other.example.test");
            Files.move(two[1], tls.resolve("mismatch.key"));
            Files.move(one[0], tls.resolve("mismatch.crt"));
            haystack.awaitLine(l -> l.contains("tls certificate skipped file=mismatch.crt,mismatch.key reason=the key does not match"), Duration.ofSeconds(5));
            Thread.sleep(2500); // rescans come and go: still one line
            assertEquals(1, haystack.lines().stream().filter(l -> l.contains("tls certificate skipped")).count(), haystack.output());
            assertEquals(DEFAULT_SUBJECT, OpenSsl.servedSubject(OpenSsl.sClient(https, "mismatch.example.test")));
            assertTrue(ca.curl("a.example.test", https, "/").out().endsWith("\n200"));

            // hostile: not TLS, TLS 1.0, a handshake that stops
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), https)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                long start = System.nanoTime();
                assertTrue(drain(s.getInputStream()) < 64, "at most an alert");
                assertTrue((System.nanoTime() - start) / 1_000_000 < 1500, "closed at once");
            }
            OpenSsl.Result tls10 = OpenSsl.sClient(https, "a.example.test", "-tls1", "-cipher", "DEFAULT@SECLEVEL=0");
            assertNotEquals(0, tls10.status(), tls10.out());
            try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), https)) {
                stalled.setSoTimeout(10_000);
                stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
                assertTrue(ca.curl("b.example.test", https, "/").out().endsWith("\n200"), "others are served meanwhile");
                long start = System.nanoTime();
                assertEquals(0, drain(stalled.getInputStream()));
                assertTrue((System.nanoTime() - start) / 1_000_000 < 8000, "closed at the head timeout");
            }

            String metrics = get(admin, "/metrics");
            assertTrue(metrics.contains("haystack_tls_handshakes_total{protocol=\"TLSv1.3\"}"), metrics);
            assertTrue(metrics.contains("haystack_tls_handshake_failures_total{reason=\"timeout\"} 1"), metrics);
            assertTrue(metrics.contains("haystack_tls_handshake_failures_total{reason=\"not_tls\"}"), metrics);
            assertTrue(metrics.contains("haystack_tls_certificate_expiry_seconds{name=\"a\",source=\"dir\"}"), metrics);
            assertTrue(haystack.lines().stream().noneMatch(l -> l.contains("Exception") || l.contains("[ERROR]")), haystack.output());
        } finally {
            backend.stop(0);
        }
    }

    private static void install(OpenSsl ca, Path tls, String base, String keyType, String... names) throws IOException {
        Path[] files = ca.leaf(base, keyType, 30, names);
        Files.move(files[1], tls.resolve(base + ".key"));
        Files.move(files[0], tls.resolve(base + ".crt"));
    }

    private static int drain(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        int total = 0;
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
            }
        } catch (java.net.SocketException reset) {
            // closed
        }
        return total;
    }

    private static String get(int port, String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

}
