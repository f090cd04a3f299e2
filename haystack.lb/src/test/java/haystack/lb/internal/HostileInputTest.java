package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One regression test for each defect found by trying the load balancer as an attacker
 * would (issue 12), end to end over real sockets: one event loop, so a request that
 * froze it would fail every test after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

    private LbFixture lb;
    private TestBackends.Echo echo;
    private Recording recording;
    private TestBackends.Scripted hugeChunk;
    private TestBackends.Scripted bothLengths;
    private TestBackends.Scripted unaskedSwitch;
    private TestBackends.Scripted garbage;

    /** Counts every byte that reaches it and never answers: a backend nothing may reach. */
    static final class Recording extends TestBackends.RawBackend {
        final AtomicLong bytes = new AtomicLong();

        Recording() throws IOException {
        }

        @Override
        void serve(Socket s) throws IOException {
            byte[] buf = new byte[4096];
            for (int n; (n = s.getInputStream().read(buf)) > 0; ) {
                bytes.addAndGet(n);
            }
        }
    }

    @BeforeAll
    void start() throws Exception {
        TestConfig config = new TestConfig();
        config.ioThreads = 1;
        config.idleTimeout = 1500;
        lb = new LbFixture(config);
        echo = new TestBackends.Echo();
        recording = new Recording();
        hugeChunk = new TestBackends.Scripted("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8000000000000000\r\nhello\r\n0\r\n\r\n");
        bothLengths = new TestBackends.Scripted("HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        unaskedSwitch = new TestBackends.Scripted("HTTP/1.1 101 Switching Protocols\r\nUpgrade: evil\r\nConnection: upgrade\r\n\r\n");
        garbage = new TestBackends.Scripted("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        lb.put(LbFixture.endpoint("echo", "echo-1", echo.port()).build(),
                LbFixture.endpoint("victim", "victim-1", recording.port()).build(),
                LbFixture.endpoint("huge", "huge-1", hugeChunk.port()).build(),
                LbFixture.endpoint("both", "both-1", bothLengths.port()).build(),
                LbFixture.endpoint("switch", "switch-1", unaskedSwitch.port()).build(),
                LbFixture.endpoint("garbage", "garbage-1", garbage.port()).build(),
                LbFixture.endpoint("mixed", "garbage-2", garbage.port()).build(),
                LbFixture.endpoint("mixed", "echo-2", echo.port()).build(),
                LbFixture.endpoint("self", "self-1", lb.lb.httpPort()).build());
    }

    @AfterAll
    void stop() throws IOException {
        lb.close();
        echo.close();
        recording.close();
        hugeChunk.close();
        bothLengths.close();
        unaskedSwitch.close();
        garbage.close();
    }

    /** Sends {@code request} on a new connection; everything answered until it closes or goes quiet for 3 s. */
    private String send(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), lb.lb.httpPort())) {
            s.setSoTimeout(3000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    all.write(buf, 0, n);
                }
            } catch (SocketTimeoutException quiet) {
                // what came is the answer
            } catch (IOException reset) {
                // a reset after the answer
            }
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private void stillServes() throws IOException, InterruptedException {
        assertEquals(200, lb.get("echo.services.haystack", "/").statusCode(), "the event loop still serves");
    }

    @Test
    void aChunkSizeOfTwoToTheSixtyThirdIsRefusedAndTheLoopServesOn() throws Exception {
        String answer = send("POST / HTTP/1.1\r\nHost: echo.services.haystack\r\nTransfer-Encoding: chunked\r\n\r\n8000000000000000\r\nhello\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        String wrapped = send("POST / HTTP/1.1\r\nHost: echo.services.haystack\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n");
        assertTrue(wrapped.startsWith("HTTP/1.1 400 "), wrapped);
        stillServes();
    }

    @Test
    void aBackendSendingAChunkSizeOfTwoToTheSixtyThirdIsABadGateway() throws Exception {
        String answer = send("GET / HTTP/1.1\r\nHost: huge.services.haystack\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 502 "), answer);
        stillServes();
    }

    @Test
    void http10WithTransferEncodingNeverReachesABackend() throws Exception {
        long before = recording.bytes.get();
        String answer = send("POST / HTTP/1.0\r\nHost: victim.services.haystack\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /admin HTTP/1.1\r\nHost: victim.services.haystack\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("HTTP/1.0"), "the reason names the faulty framing: " + answer);
        Thread.sleep(200);
        assertEquals(before, recording.bytes.get(), "not one byte reached the backend");
    }

    @Test
    void chunkedFramingThatIsNotTheGrammarIsRefusedBeforeItIsPassedOn() throws Exception {
        for (String body : List.of("5\nhello\r\n0\r\n\r\n", "5 xyz\r\nhello\r\n0\r\n\r\n", "5;a=\u0001\r\nhello\r\n0\r\n\r\n",
                "0\r\nGET /SMUGGLED HTTP/1.1\r\n\r\n")) {
            String answer = send("POST / HTTP/1.1\r\nHost: victim.services.haystack\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), body + " -> " + answer);
        }
    }

    @Test
    void anAbsoluteFormTargetIsRoutedByItsAuthorityAndArrivesInOriginForm() throws Exception {
        String answer = send("GET http://echo.services.haystack/inside?x=1 HTTP/1.1\r\nHost: echo.services.haystack\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(answer.contains("path=/inside?x=1\n"), answer);
        String mismatch = send("GET http://admin.internal/secret HTTP/1.1\r\nHost: echo.services.haystack\r\n\r\n");
        assertTrue(mismatch.startsWith("HTTP/1.1 400 "), mismatch);
    }

    @Test
    void requestsTheRfcRefusesAreRefused() throws Exception {
        assertTrue(send("GET / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "), "HTTP/1.1 without Host");
        assertTrue(send("GET / http/1.1\r\nHost: echo.services.haystack\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(send("CONNECT echo.services.haystack:80 HTTP/1.1\r\nHost: echo.services.haystack:80\r\n\r\n").startsWith("HTTP/1.1 405 "));
    }

    @Test
    void twoIdenticalContentLengthsReachTheBackendAsOne() throws Exception {
        String answer = send("POST / HTTP/1.1\r\nHost: echo.services.haystack\r\nContent-Length: 3\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(answer.contains("\ncontent-length=3\n"), "one value, not '3,3': " + answer);
    }

    @Test
    void aResponseWithBothLengthsReachesTheClientWithoutContentLength() throws Exception {
        String answer = send("GET / HTTP/1.1\r\nHost: both.services.haystack\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertFalse(answer.toLowerCase().contains("content-length"), answer);
        assertTrue(answer.endsWith("5\r\nhello\r\n0\r\n\r\n"), answer);
    }

    @Test
    void aSwitchNobodyAskedForIsABadGatewayNotATunnel() throws Exception {
        String answer = send("GET / HTTP/1.1\r\nHost: switch.services.haystack\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 502 "), answer);
    }

    @Test
    void aRequestRoutedBackToThisProxyIsALoopAnsweredOnce() throws Exception {
        long before = lb.lb.metricsRequests();
        String answer = send("GET / HTTP/1.1\r\nHost: self.services.haystack\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 508 Loop Detected"), answer);
        assertEquals(2, lb.lb.metricsRequests() - before, "the client's request and its one trip back, no more");
    }

    @Test
    void oneGarbageAnswerGoesToAnotherEndpointAndEjectsNobodyAlone() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals(200, lb.get("mixed.services.haystack", "/").statusCode(), "retried on the other endpoint");
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(502, lb.get("garbage.services.haystack", "/").statusCode(), "a bad gateway, never a 503");
        }
    }

    @Test
    void clientsStallingTheirBodiesGet408AndTheBackendStays() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), lb.lb.httpPort());
                s.setSoTimeout(6000);
                s.getOutputStream().write("POST /upload HTTP/1.1\r\nHost: echo.services.haystack\r\nContent-Length: 100\r\n\r\nonly ten.."
                        .getBytes(StandardCharsets.ISO_8859_1));
                stalled.add(s);
            }
            for (Socket s : stalled) {
                String answer = RawHttp.readResponse(s.getInputStream(), false);
                assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            }
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
        assertEquals(200, lb.get("echo.services.haystack", "/").statusCode(), "the only endpoint was not ejected");
    }
}
