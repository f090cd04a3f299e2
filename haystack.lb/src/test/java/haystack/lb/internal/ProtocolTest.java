package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import haystack.api.Health;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * HTTP behaviour that needs no containers: error pages, forwarded headers, streaming of
 * large bodies, WebSocket pass-through and garbage requests, against loopback backends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolTest {

    private LbFixture lb;
    private TestBackends.Echo echo;
    private TestBackends.Silent silent;
    private TestBackends.OneRequestPerConnection oneShot;
    private TestBackends.Scripted garbage;
    private TestBackends.Scripted truncated;
    private TestBackends.Scripted truncatedLarge;
    private TestBackends.Scripted closing;
    private Undertow wsServer;

    @BeforeAll
    void start() throws Exception {
        lb = new LbFixture();
        echo = new TestBackends.Echo();
        silent = new TestBackends.Silent();
        oneShot = new TestBackends.OneRequestPerConnection();
        garbage = new TestBackends.Scripted("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        truncated = new TestBackends.Scripted("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
        truncatedLarge = new TestBackends.Scripted("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nonly this");
        // what busybox httpd does: one response per connection, then close
        closing = new TestBackends.Scripted("HTTP/1.0 200 OK\r\nConnection: close\r\nKeep-Alive: timeout=1\r\nContent-Length: 5\r\n\r\nhello");
        wsServer = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(Handlers.path().addPrefixPath("/text", exchange -> exchange.getResponseSender().send("hello"))
                        .addPrefixPath("/echo", Handlers.websocket((exchange, channel) -> {
                    channel.getReceiveSetter().set(new AbstractReceiveListener() {
                        @Override
                        protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                            WebSockets.sendText("echo:" + message.getData(), ch, null);
                        }
                    });
                    channel.resumeReceives();
                }))).build();
        wsServer.start();
        int wsPort = ((java.net.InetSocketAddress) wsServer.getListenerInfo().get(0).getAddress()).getPort();
        lb.put(LbFixture.endpoint("echo", "echo-1", echo.port()).build(),
                LbFixture.endpoint("ws", "ws-1", wsPort).path("/ws").build(),
                LbFixture.endpoint("silent", "silent-1", silent.port()).build(),
                LbFixture.endpoint("oneshot", "oneshot-1", oneShot.port()).build(),
                LbFixture.endpoint("garbage", "garbage-1", garbage.port()).build(),
                LbFixture.endpoint("truncated", "truncated-1", truncated.port()).build(),
                LbFixture.endpoint("truncated-large", "truncated-large-1", truncatedLarge.port()).build(),
                LbFixture.endpoint("closing", "closing-1", closing.port()).build(),
                LbFixture.endpoint("dead", "dead-1", TestBackends.closedPort()).build(),
                LbFixture.endpoint("starting", "starting-1", echo.port()).health(Health.STARTING).build());
    }

    @AfterAll
    void stop() throws Exception {
        lb.close();
        echo.close();
        silent.close();
        oneShot.close();
        garbage.close();
        truncated.close();
        truncatedLarge.close();
        closing.close();
        wsServer.stop();
    }

    @Test
    void forwardedHeadersAreAddedAndTheClientsHostKept() throws Exception {
        String body = lb.get("echo.services.haystack", "/hello?x=1").body();
        assertTrue(body.contains("path=/hello?x=1"), body);
        assertTrue(body.contains("host=echo.services.haystack\n"), body);
        assertTrue(body.contains("x-forwarded-for=127.0.0.1\n"), body);
        assertTrue(body.contains("x-forwarded-proto=http\n"), body);
        assertTrue(body.contains("x-forwarded-host=echo.services.haystack\n"), body);
    }

    /** GET / of {@code service}: answered {@code status} by the load balancer, naming the host and {@code reason}. */
    private HttpResponse<String> assertErrorPage(String service, int status, String reason) throws Exception {
        HttpResponse<String> r = lb.get(service + ".services.haystack", "/");
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains("host: " + service + ".services.haystack") && r.body().contains(reason), r.body());
        return r;
    }

    @Test
    void unknownHostIs404NamingHostAndReason() throws Exception {
        assertErrorPage("nobody", 404, "reason: no service is routed");
    }

    @Test
    void serviceWithoutHealthyEndpointIs503WithRetryAfter() throws Exception {
        assertTrue(assertErrorPage("starting", 503, "no healthy endpoint").headers().firstValue("Retry-After").isPresent());
    }

    @Test
    void refusedBackendIs502NamingTheEndpoint() throws Exception {
        assertErrorPage("dead", 502, "dead-1");
    }

    @Test
    void aBackendSpeakingSomethingElseIs502() throws Exception {
        assertErrorPage("garbage", 502, "malformed status line 'SSH-2.0");
    }

    @Test
    void aSmallResponseCutShortIsABadGatewayNotHalfAnAnswer() throws Exception {
        assertErrorPage("truncated", 502, "backend closed the connection");
    }

    @Test
    void aLargeResponseCutShortEndsTheClientConnection() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), lb.lb.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: truncated-large.services.haystack\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String got = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(got.startsWith("HTTP/1.1 200 OK") && got.endsWith("only this"), "the client sees the cut, not a padded body: " + got);
        }
    }

    @Test
    void silentBackendIs504() throws Exception {
        assertErrorPage("silent", 504, "timed out");
    }

    @Test
    void hundredMegabytesStreamUpAndDown() throws Exception {
        long size = 100L * 1024 * 1024;
        HttpResponse<InputStream> down = lb.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lb.lb.httpPort() + "/download?" + size))
                .header("Host", "echo.services.haystack").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, down.statusCode());
        long got = 0;
        byte[] buf = new byte[65536];
        try (InputStream in = down.body()) {
            for (int r; (r = in.read(buf)) != -1; ) {
                got += r;
            }
        }
        assertEquals(size, got);
        byte[] chunk = new byte[1024 * 1024];
        HttpRequest.BodyPublisher upload = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
                    long left = size;

                    @Override
                    public int read() {
                        return left-- > 0 ? 7 : -1;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (left <= 0) {
                            return -1;
                        }
                        int n = (int) Math.min(len, Math.min(left, chunk.length));
                        left -= n;
                        return n;
                    }
                }));
        HttpResponse<String> up = lb.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lb.lb.httpPort() + "/upload"))
                .header("Host", "echo.services.haystack").POST(upload).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, up.statusCode());
        assertEquals(Long.toString(size), up.body());
    }

    @Test
    void webSocketUpgradesPassThrough() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket ws = lb.http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + lb.lb.httpPort() + "/ws/echo"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        reply.complete(data.toString());
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("ping", true).get(10, TimeUnit.SECONDS);
        assertEquals("echo:ping", reply.get(10, TimeUnit.SECONDS));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    private String raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), lb.lb.httpPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                for (int r; (r = in.read(buf)) != -1; ) {
                    answer.write(buf, 0, r);
                    if (answer.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        break;
                    }
                }
            } catch (java.net.SocketException reset) {
                // the server may close hard after answering garbage
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private void assertRefused(String request) throws IOException {
        int before = echo.requests.get();
        String answer = raw(request);
        assertTrue(answer.startsWith("HTTP/1.1 400") || answer.startsWith("HTTP/1.1 431"), "answer: " + answer);
        assertEquals(before, echo.requests.get(), "the backend was reached");
    }

    @Test
    void badRequestLineIsRefused() throws IOException {
        assertRefused("GET /\u0001bad HTTP/1.1 extra\r\nHost: echo.services.haystack\r\n\r\n");
    }

    @Test
    void oversizedHeadersAreRefused() throws IOException {
        assertRefused("GET / HTTP/1.1\r\nHost: echo.services.haystack\r\nX-Big: " + "x".repeat(40_000) + "\r\n\r\n");
    }

    @Test
    void nonHexChunkSizeIsRefused() throws IOException {
        assertRefused("POST /upload HTTP/1.1\r\nHost: echo.services.haystack\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nhello\r\n0\r\n\r\n");
    }

    @Test
    void overlongChunkSizeIsRefused() throws IOException {
        assertRefused("POST /upload HTTP/1.1\r\nHost: echo.services.haystack\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n");
    }

    @Test
    void wellFramedChunkedBodyPasses() throws IOException {
        String answer = raw("POST /upload HTTP/1.1\r\nHost: echo.services.haystack\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5;ext=1\r\nhello\r\n0\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    }

    @Test
    void conflictingLengthsAreRefused() throws IOException {
        assertRefused("POST /upload HTTP/1.1\r\nHost: echo.services.haystack\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello");
    }

    /** Sends {@code request} and reads {@code responses} responses; the first has no body when it answers HEAD. */
    private String rawResponses(String request, int responses) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), lb.lb.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < responses; i++) {
                all.append(RawHttp.readResponse(s.getInputStream(), i == 0 && request.startsWith("HEAD")));
            }
            return all.toString();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        String answers = rawResponses("GET /first HTTP/1.1\r\nHost: echo.services.haystack\r\n\r\n"
                + "GET /second HTTP/1.1\r\nHost: nobody.services.haystack\r\n\r\n"
                + "GET /third HTTP/1.1\r\nHost: echo.services.haystack\r\n\r\n", 3);
        int first = answers.indexOf("path=/first");
        int second = answers.indexOf("404 Not Found");
        int third = answers.indexOf("path=/third");
        assertTrue(first > 0 && second > first && third > second, answers);
    }

    @Test
    void aBackendClosingAfterEachResponseLeavesTheClientConnectionOpen() throws IOException {
        String answers = rawResponses("GET /1 HTTP/1.1\r\nHost: closing.services.haystack\r\n\r\n"
                + "GET /2 HTTP/1.1\r\nHost: closing.services.haystack\r\n\r\n", 2);
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".repeat(2), answers,
                "the proxy's version, and none of the backend's connection fields");
    }

    @Test
    void anHttp10ClientAskingForKeepAliveIsToldItHasIt() throws IOException {
        String request = "GET / HTTP/1.0\r\nHost: closing.services.haystack\r\nConnection: keep-alive\r\n\r\n";
        String answers = rawResponses(request + request, 2);
        assertEquals("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nhello".repeat(2), answers);
    }

    @Test
    void aClientAskingToCloseIsToldTheConnectionCloses() throws IOException {
        String answer = raw("GET / HTTP/1.1\r\nHost: echo.services.haystack\r\nConnection: close\r\n\r\n");
        assertNotNull(answer);
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\nConnection: close\r\n"), answer);
    }

    @Test
    void headRequestsGetNoBody() throws IOException {
        String answer = rawResponses("HEAD /ws/text HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "GET /ws/text HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 2);
        assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("Content-Length: 5"), answer);
        assertTrue(answer.endsWith("\r\n\r\nhello"), "the connection stays usable after a bodiless response: " + answer);
    }

    @Test
    void expectContinueIsPassedThrough() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), lb.lb.httpPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: echo.services.haystack\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String interim = RawHttp.readResponse(in, true);
            assertTrue(interim.startsWith("HTTP/1.1 100 Continue"), interim);
            out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
            String answer = RawHttp.readResponse(in, false);
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("\r\n\r\n5"), answer);
        }
    }

    @Test
    void anHttp10ClientGetsNoInterimResponse() throws IOException {
        String answer = raw("POST /upload HTTP/1.0\r\nHost: echo.services.haystack\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello");
        assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("\r\n\r\n5"), "RFC 9110 §15.2: no 1xx to HTTP/1.0: " + answer);
    }

    @Test
    void brokenChunkingLaterInTheBodyIsRefused() throws IOException {
        String answer = raw("POST /upload HTTP/1.1\r\nHost: echo.services.haystack\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n5\r\nworld-and-more\r\n0\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("Connection: close"), answer);
    }

    @Test
    void aClientsForwardedForIsAppendedTo() throws Exception {
        String body = lb.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lb.lb.httpPort() + "/"))
                .header("Host", "echo.services.haystack").header("X-Forwarded-For", "203.0.113.9").build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(body.contains("x-forwarded-for=203.0.113.9, 127.0.0.1\n"), body);
    }

    @Test
    void aPostIsNotSentAgainWhenAKeptAliveConnectionClosesUnderIt() throws Exception {
        // One client connection, so both requests are served by one event loop: the GET
        // leaves a kept-alive backend connection in that loop's pool, and the backend
        // closes it as the POST arrives on it.
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), lb.lb.httpPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("GET / HTTP/1.1\r\nHost: oneshot.services.haystack\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(RawHttp.readResponse(in, false).startsWith("HTTP/1.1 200"));
            int droppedBefore = oneShot.dropped.get();
            out.write("POST / HTTP/1.1\r\nHost: oneshot.services.haystack\r\nContent-Length: 7\r\n\r\norder=1".getBytes(StandardCharsets.ISO_8859_1));
            String answer = RawHttp.readResponse(in, false);
            // the backend may have acted on it: a proxy must not retry a POST (RFC 9110 §9.2.2; RetryRaceTest)
            assertTrue(answer.startsWith("HTTP/1.1 502 "), answer);
            assertEquals(droppedBefore + 1, oneShot.dropped.get(), "the POST met the closing connection");
        }
    }
}
