package haystack.acme.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import haystack.testing.LogLines;

/**
 * ACME servers that are down, answer 500s, answer garbage, or accept and never answer: each
 * order fails within the timeout with one line, the host backs off, and the challenge
 * service keeps answering meanwhile.
 */
class HostileAcmeServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Upper bound for one failed order: a few requests, each bounded by TIMEOUT, with slack. */
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private static Path trust;
    private static SSLContext serverSsl;
    private static final List<AutoCloseable> OPEN = new ArrayList<>();

    @BeforeAll
    static void certificate() throws Exception {
        Issuer.Issued localhost = OpensslCertificates.selfSigned(dir.resolve("made"), "localhost", 2);
        trust = dir.resolve("trust.pem");
        Files.writeString(trust, Pem.encode(localhost.chain()));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", localhost.key(), "x".toCharArray(), localhost.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        serverSsl = SSLContext.getInstance("TLS");
        serverSsl.init(kmf.getKeyManagers(), null, null);
    }

    @AfterAll
    static void close() throws Exception {
        for (AutoCloseable c : OPEN) {
            c.close();
        }
    }

    /** An HTTPS server answering every request with {@code status} and {@code body}; counts requests. */
    private static int answering(int status, String contentType, String body, AtomicInteger requests) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(serverSsl));
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, b.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        OPEN.add(() -> server.stop(0));
        return server.getAddress().getPort();
    }

    private static AcmeIssuer issuer(int port, String data) throws Exception {
        return new AcmeIssuer(URI.create("https://localhost:" + port + "/dir"), "", TrustedCa.context(trust.toString()), TIMEOUT,
                new AccountKey(dir.resolve(data)), new PendingChallenges());
    }

    private static IssueFailure failsWithinBound(AcmeIssuer issuer) {
        long start = System.nanoTime();
        IssueFailure f = assertThrows(IssueFailure.class, () -> issuer.issue("web.haystack"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(BOUND) < 0, "failed after " + took);
        assertFalse(f.refused(), f.getMessage());
        assertFalse(f.getMessage().contains("\n"), f.getMessage());
        return f;
    }

    @Test
    void aServerThatIsDown() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        IssueFailure f = failsWithinBound(issuer(port, "down"));
        assertTrue(f.getMessage().contains("Connect"), f.getMessage());
    }

    @Test
    void aServerAnswering500s() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        int port = answering(500, "text/html", "<html><body>Internal Server Error</body></html>", requests);
        failsWithinBound(issuer(port, "500"));
        assertTrue(requests.get() >= 1);
    }

    @Test
    void aServerAnsweringGarbage() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        int port = answering(200, "application/json", "{\"newNonce\": [1, 2, {\"not\": \"a directory\"", requests);
        failsWithinBound(issuer(port, "garbage"));
        int binary = answering(200, "application/octet-stream", "\u0000\u0001\u00ff".repeat(1000), requests);
        failsWithinBound(issuer(binary, "binary"));
    }

    @Test
    void aServerThatAcceptsAndNeverAnswersIsTimedOut() throws Exception {
        ServerSocket silent = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        OPEN.add(silent);
        List<Socket> held = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (!silent.isClosed()) {
                    held.add(silent.accept());
                }
            } catch (IOException e) {
                // closed
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        IssueFailure f = failsWithinBound(issuer(silent.getLocalPort(), "silent"));
        assertTrue(f.getMessage().toLowerCase().contains("timed out") || f.getMessage().contains("Timeout"), f.getMessage());
    }

    @Test
    void theKeeperBacksOffWithOneLinePerAttemptAndAnswersChallengesMeanwhile() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        int port = answering(500, "text/plain", "no", requests);
        PendingChallenges challenges = new PendingChallenges();
        challenges.put("other-token", "other-token.thumbprint");
        AcmeIssuer issuer = new AcmeIssuer(URI.create("https://localhost:" + port + "/dir"), "", TrustedCa.context(trust.toString()), TIMEOUT,
                new AccountKey(dir.resolve("keeper")), challenges);
        FakeStore store = new FakeStore();
        FakeRoutedHosts routed = new FakeRoutedHosts("web.haystack");
        CertificateKeeperTest.MovableClock clock = new CertificateKeeperTest.MovableClock();
        CertificateKeeper keeper = new CertificateKeeper(issuer, new CertificateFiles(dir.resolve("keeper")), () -> store, () -> routed,
                RenewalWindow.THIRD_OF_LIFETIME, new OrderBudget(100), new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1)), clock);
        try (LogLines log = new LogLines()) {
            for (int i = 0; i < 4; i++) {
                keeper.tick();
                keeper.tick();
                clock.advance(Duration.ofMinutes(1));
            }
            List<String> ours = log.lines().stream().filter(l -> l.contains("haystack.acme.internal")).toList();
            assertEquals(4, log.containing("acme order failed", "host=web.haystack").size(), String.join("\n", ours));
            assertEquals(4, ours.stream().filter(l -> l.contains("web.haystack")).count(), "one line per attempt:\n" + String.join("\n", ours));
        }
        assertEquals("other-token.thumbprint", challenges.keyAuthorization("other-token").orElseThrow());
        assertTrue(store.of("acme").isEmpty());
    }
}
