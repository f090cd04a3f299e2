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

    @Test
    void aClientBeyondTheLimitWaitsUntilAConnectionCloses() throws Exception {
        try (Socket first = open(); Socket second = open()) {
            assertEquals("HTTP/1.1 200 OK", get(first));
            assertEquals("HTTP/1.1 200 OK", get(second));
            try (Socket third = open()) {
                third.setSoTimeout(500);
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
    void idleAndHalfSentConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        try (Socket idle = open(); Socket slow = open()) {
            assertEquals("HTTP/1.1 200 OK", get(idle));
            slow.getOutputStream().write("GET / HTTP/1.1\r\nHost: echo.serv".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(-1, idle.getInputStream().read(), "the idle keep-alive connection is closed");
            assertEquals(-1, slow.getInputStream().read(), "the half-sent head is dropped");
        }
    }
}
