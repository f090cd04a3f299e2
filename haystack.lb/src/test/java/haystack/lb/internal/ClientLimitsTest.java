package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The connection limit and the idle timeout, as a client sees them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientLimitsTest {

    private LbFixture lb;
    private TestBackends.Echo echo;

    @BeforeAll
    void start() throws Exception {
        TestConfig config = new TestConfig();
        config.maxConnections = 2;
        config.idleTimeout = 1500;
        config.headTimeout = 1000;
        // Each loop evicts its own longest idle connection, as each nginx worker does:
        // one loop makes "oldest first" a promise this test can check.
        config.ioThreads = 1;
        lb = new LbFixture(config);
        echo = new TestBackends.Echo();
        lb.put(LbFixture.endpoint("echo", "echo-1", echo.port()).build());
    }

    @AfterAll
    void stop() {
        lb.close();
        echo.close();
    }

    private Socket open() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), lb.lb.httpPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Sends a GET and returns the status line of its answer. */
    private static String get(Socket s) throws IOException {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: echo.services.haystack\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return RawHttp.readResponse(s.getInputStream(), false).lines().findFirst().orElse("(closed)");
    }

    /** Reads until the peer closes; what came, or "(timeout)". */
    private static String readAll(Socket s) throws IOException {
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            return "(timeout)";
        }
    }

    private void awaitBusyClients(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((lb.lb.openClients() != n || lb.lb.idleClients() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(n, lb.lb.openClients(), "both clients accepted");
        assertEquals(0, lb.lb.idleClients(), "both partial heads read");
    }

    private static void sendPartialHead(Socket s) throws IOException {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: echo.serv".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aClientBeyondTheLimitWaitsWhileEveryConnectionIsBusy() throws Exception {
        try (Socket first = open(); Socket second = open()) {
            sendPartialHead(first);
            sendPartialHead(second);
            // Until both are accepted and their bytes read, the third could evict one.
            awaitBusyClients(2);
            try (Socket third = open()) {
                third.setSoTimeout(300);
                assertThrows(SocketTimeoutException.class, () -> get(third), "served beyond the limit");
                first.close();
                third.setSoTimeout(10_000);
                byte[] buf = new byte[8192];
                int n = third.getInputStream().read(buf);
                assertTrue(n > 0 && new String(buf, 0, n, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"),
                        "the waiting client is served once a connection closes");
            }
        }
    }

    @Test
    void idleConnectionsMakeRoomForNewClientsOldestFirst() throws Exception {
        try (Socket oldest = open(); Socket newer = open()) {
            assertEquals("HTTP/1.1 200 OK", get(oldest));
            assertEquals("HTTP/1.1 200 OK", get(newer));
            try (Socket third = open()) {
                assertEquals("HTTP/1.1 200 OK", get(third), "a new client is served at the limit");
                assertEquals(-1, oldest.getInputStream().read(), "the connection idle the longest made room");
                assertEquals("HTTP/1.1 200 OK", get(newer), "the newer idle connection is kept");
                assertTrue(MetricSamples.of(lb.lb).lines.stream().anyMatch(l -> l.matches("haystack_lb_idle_evictions_total\\{} [1-9]\\d*")),
                        "the eviction is counted");
            }
        }
    }

    @Test
    void aHalfSentHeadIsAnswered408AtTheHeadTimeoutAndAnIdleConnectionClosedAtTheIdleTimeout() throws Exception {
        try (Socket idle = open(); Socket slow = open()) {
            assertEquals("HTTP/1.1 200 OK", get(idle));
            long start = System.nanoTime();
            sendPartialHead(slow);
            String answer = readAll(slow);
            assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
            assertTrue(answer.contains("Connection: close"), answer);
            assertEquals(-1, idle.getInputStream().read(), "the idle keep-alive connection is closed");
            assertTrue(System.nanoTime() - start < 9_000_000_000L, "closed by the timeouts, not the test's");
        }
    }

    @Test
    void aSlowlorisIsCutOffAtTheHeadTimeoutHoweverSteadilyItTrickles() throws Exception {
        try (Socket slow = open()) {
            byte[] head = "GET / HTTP/1.1\r\nHost: echo.services.haystack\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1);
            slow.getOutputStream().write(head);
            long deadline = System.nanoTime() + 5_000_000_000L;
            String answer = null;
            slow.setSoTimeout(200);
            while (answer == null && System.nanoTime() < deadline) {
                try {
                    slow.getOutputStream().write('x');
                } catch (IOException closed) {
                    break;
                }
                try {
                    byte[] buf = new byte[512];
                    int n = slow.getInputStream().read(buf);
                    answer = n < 0 ? "(closed)" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                } catch (SocketTimeoutException stillOpen) {
                    // one more byte
                }
            }
            assertTrue(answer != null && answer.startsWith("HTTP/1.1 408"), "a byte every 200 ms does not keep the head open: " + answer);
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheHeadTimeoutAndBytesThatAreNotHttpAtOnce() throws Exception {
        try (Socket silent = open(); Socket tls = open()) {
            tls.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
            tls.setSoTimeout(500);
            String refused = readAll(tls);
            assertTrue(refused.startsWith("HTTP/1.1 400 Bad Request"), "a TLS ClientHello is refused before any timeout: " + refused);
            assertEquals("", readAll(silent), "closed without an answer: nothing was asked");
        }
    }
}
