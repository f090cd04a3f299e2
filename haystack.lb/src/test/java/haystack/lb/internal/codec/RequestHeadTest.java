package haystack.lb.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RequestHeadTest {

    private static final byte[] VIA = "haystack-test".getBytes(StandardCharsets.ISO_8859_1);

    private static RequestHead parse(String head) throws HttpException {
        byte[] a = head.getBytes(StandardCharsets.ISO_8859_1);
        return RequestHead.parse(a, 0, a.length, 16384, new ConnectionFields());
    }

    private static int refused(String head) {
        return assertThrows(HttpException.class, () -> parse(head)).status();
    }

    @Test
    void aCompleteHeadIsReadInPlace() throws HttpException {
        RequestHead h = parse("POST /upload?x=1 HTTP/1.1\r\nHost: Web.Services.Haystack:80\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals("POST", h.method());
        assertEquals("/upload?x=1", h.target());
        assertEquals("/upload", h.path());
        assertEquals("Web.Services.Haystack:80", h.host());
        assertEquals(5, h.contentLength());
        assertFalse(h.chunked());
        assertTrue(h.keepAlive());
        assertEquals(h.length(), "POST /upload?x=1 HTTP/1.1\r\nHost: Web.Services.Haystack:80\r\nContent-Length: 5\r\n\r\n".length());
    }

    @Test
    void aHeadNotAllArrivedIsNotJudged() throws HttpException {
        assertNull(parse("GET / HTTP/1.1\r\nHost: a\r\n"));
        assertNull(parse("PROPFIND"));
        assertNull(parse("GET / HTT"));
    }

    @Test
    void bareLineFeedsEndLines() throws HttpException {
        RequestHead h = parse("GET / HTTP/1.0\nHost: a\nConnection: keep-alive\n\n");
        assertEquals("a", h.host());
        assertTrue(h.keepAlive());
        assertFalse(parse("GET / HTTP/1.0\r\n\r\n").keepAlive(), "HTTP/1.0 closes unless asked");
        assertFalse(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n").keepAlive());
    }

    @Test
    void garbageIsRefusedWithTheRightStatus() {
        assertEquals(400, refused("GET /\u0001bad HTTP/1.1 extra\r\nHost: a\r\n\r\n"));
        assertEquals(400, refused("GET / http/1.1\r\nHost: a\r\n\r\n"), "the version is case-sensitive");
        assertEquals(400, refused("GET / HTTP/1.1\r\n\r\n"), "HTTP/1.1 without Host");
        assertEquals(400, refused("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"));
        assertEquals(400, refused("GET / HTTP/1.1\r\nHost: user@a\r\n\r\n"));
        assertEquals(405, refused("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n"));
        assertEquals(400, refused("GET a:443 HTTP/1.1\r\nHost: a\r\n\r\n"), "authority form");
        assertEquals(400, refused("GET * HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(400, refused("GET http://other/ HTTP/1.1\r\nHost: a\r\n\r\n"), "a Host that is not the authority");
        assertEquals(400, refused("GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(505, refused("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), "the HTTP/2 preface");
        assertEquals(400, refused("GET  / HTTP/1.1\r\n\r\n"));
        assertEquals(400, refused("GET / FTP/1.1\r\n\r\n"));
        assertEquals(505, refused("GET / HTTP/2.0\r\n\r\n"));
        assertEquals(400, refused("GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n"));
        assertEquals(400, refused("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n folded\r\n\r\n"));
        assertEquals(400, refused("GET / HTTP/1.1\r\nHost: a\r\nX: a\u0007b\r\n\r\n"));
        assertEquals(400, refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
        assertEquals(400, refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n"));
        assertEquals(400, refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n"));
        assertEquals(400, refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(501, refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"));
        assertEquals(400, refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"), "chunked not last");
        assertEquals(400, refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(501, refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n"));
        assertEquals(400, refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n"), "no coding at all");
        assertEquals(400, refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , chunked\r\n\r\n"), "an empty coding");
        assertEquals(400, refused("GET /a#frag HTTP/1.1\r\nHost: a\r\n\r\n"), "a fragment is never sent");
        assertEquals(400, refused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), "RFC 9112 §6.1: faulty framing");
        assertEquals(400, refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n"));
        assertEquals(400, refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n"));
        assertEquals(431, refused("GET / HTTP/1.1\r\nX-Big: " + "x".repeat(17000)));
    }

    @Test
    void theBackendGetsForwardedHeadersAndTheRewrittenTarget() throws HttpException {
        RequestHead h = parse("GET /api/v1/items?q=1 HTTP/1.1\nHost: shop\nX-Forwarded-For: 10.0.0.1\nx-forwarded-proto: https\nAccept: */*\n\n");
        String out = new String(h.forBackend("/items?q=1", "192.0.2.7", VIA), StandardCharsets.ISO_8859_1);
        assertEquals("GET /items?q=1 HTTP/1.1\r\nHost: shop\r\nAccept: */*\r\nVia: 1.1 haystack-test\r\n"
                + "X-Forwarded-For: 10.0.0.1, 192.0.2.7\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: shop\r\n\r\n", out);
        String unchanged = new String(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n").forBackend(null, "::1", VIA), StandardCharsets.ISO_8859_1);
        assertEquals("GET / HTTP/1.1\r\nHost: a\r\nVia: 1.1 haystack-test\r\nX-Forwarded-For: ::1\r\nX-Forwarded-Proto: http\r\n"
                + "X-Forwarded-Host: a\r\n\r\n", unchanged);
    }

    @Test
    void theClientsConnectionOptionsStayWithTheClient() throws HttpException {
        String closing = new String(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nKeep-Alive: 5\r\n\r\n").forBackend(null, "h", VIA), StandardCharsets.ISO_8859_1);
        assertEquals("GET / HTTP/1.1\r\nHost: a\r\nVia: 1.1 haystack-test\r\nX-Forwarded-For: h\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: a\r\n\r\n", closing);
        String old = new String(parse("GET / HTTP/1.0\r\n\r\n").forBackend(null, "h", VIA), StandardCharsets.ISO_8859_1);
        assertEquals("GET / HTTP/1.1\r\nHost: \r\nVia: 1.0 haystack-test\r\nX-Forwarded-For: h\r\nX-Forwarded-Proto: http\r\n\r\n", old,
                "HTTP/1.0 goes on as HTTP/1.1, with the empty Host RFC 9112 §3.2 asks for");
        RequestHead ws = parse("GET /chat HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n");
        assertTrue(ws.upgrade());
        String upgrade = new String(ws.forBackend(null, "h", VIA), StandardCharsets.ISO_8859_1);
        assertTrue(upgrade.contains("\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"), upgrade);
    }

    @Test
    void fieldsTheClientsConnectionNamesStayButNeverFramingOrHost() throws HttpException {
        String out = new String(parse("POST / HTTP/1.1\r\nHost: shop\r\nConnection: X-Hop, host, Content-Length\r\n"
                + "X-Hop: 1\r\nx-hop: 2\r\nX-Kept: 3\r\nContent-Length: 0\r\n\r\n").forBackend(null, "h", VIA), StandardCharsets.ISO_8859_1);
        assertEquals("POST / HTTP/1.1\r\nHost: shop\r\nX-Kept: 3\r\nContent-Length: 0\r\nVia: 1.1 haystack-test\r\n"
                + "X-Forwarded-For: h\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: shop\r\n\r\n", out);
    }

    @Test
    void bytesThatAreNotHttpAreRefusedBeforeTheHeadEnds() {
        assertEquals(400, refused("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003"), "a TLS ClientHello");
        assertEquals(400, refused("GET \u0000"));
        assertEquals(400, refused("A".repeat(40)));
    }

    @Test
    void anAbsoluteFormTargetIsRoutedByItsAuthorityAndForwardedInOriginForm() throws HttpException {
        RequestHead h = parse("GET http://Shop.Services.Haystack/items?q=1 HTTP/1.1\r\nHost: shop.services.haystack\r\n\r\n");
        assertTrue(h.absoluteForm());
        assertEquals("Shop.Services.Haystack", h.host());
        assertEquals("/items?q=1", h.target());
        String out = new String(h.forBackend(null, "h", VIA), StandardCharsets.ISO_8859_1);
        assertTrue(out.startsWith("GET /items?q=1 HTTP/1.1\r\nHost: Shop.Services.Haystack\r\nVia: "), out);
        RequestHead old = parse("GET http://shop:80 HTTP/1.0\r\n\r\n");
        assertEquals("shop:80", old.host());
        assertEquals("/", old.target());
    }

    @Test
    void duplicateIdenticalLengthsGoOnAsOne() throws HttpException {
        RequestHead h = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n");
        assertEquals(5, h.contentLength());
        String out = new String(h.forBackend(null, "h", VIA), StandardCharsets.ISO_8859_1);
        assertEquals(1, out.toLowerCase().split("content-length").length - 1, out);
        assertTrue(out.contains("\r\nContent-Length: 5\r\n"), out);
        assertEquals(5, parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n").contentLength());
    }

    @Test
    void aRequestCarryingThisProxysViaIsALoop() throws HttpException {
        RequestHead looped = parse("GET / HTTP/1.1\r\nHost: a\r\nVia: 1.0 fred, 1.1 HAYSTACK-test (x)\r\n\r\n");
        assertTrue(looped.passedThrough(VIA));
        RequestHead passed = parse("GET / HTTP/1.1\r\nHost: a\r\nVia: 1.0 fred\r\nvia: 1.1 edge\r\n\r\n");
        assertTrue(new String(passed.forBackend(null, "h", VIA), StandardCharsets.ISO_8859_1).contains("\r\nVia: 1.0 fred, 1.1 edge, 1.1 haystack-test\r\n"),
                "one Via: the list received, this proxy last");
        assertFalse(parse("GET / HTTP/1.1\r\nHost: a\r\nVia: 1.1 haystack-other\r\n\r\n").passedThrough(VIA));
        assertFalse(parse("GET / HTTP/1.1\r\nHost: a\r\nX: 1.1 haystack-test\r\n\r\n").passedThrough(VIA));
    }

    @Test
    void methodsSafeToRepeatAreKnown() throws HttpException {
        assertTrue(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n").idempotent());
        assertTrue(parse("PUT / HTTP/1.1\r\nHost: a\r\n\r\n").idempotent());
        assertFalse(parse("POST / HTTP/1.1\r\nHost: a\r\n\r\n").idempotent());
        assertTrue(parse("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n").isHead());
    }

    /** The writer copies the method, the client's target and the host from the buffer: byte for byte what the parsed strings say. */
    @Test
    void theHeadForTheBackendCopiesTargetAndHostFromTheBufferAsParsed() throws HttpException {
        String[] heads = {
            "GET http://Shop.Example?x=1 HTTP/1.1\r\nHost: shop.example\r\n\r\n",
            "GET HTTPS://shop.example:8443 HTTP/1.1\r\nHost: shop.example:8443\r\n\r\n",
            "GET http://shop.example/a/b?c HTTP/1.0\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: [::1]:80\r\n\r\n",
            "PROPFIND /dav/%20x HTTP/1.1\r\nHost: Dav.Example\r\nX-Forwarded-For: 192.0.2.1\r\n\r\n",
            "GET / HTTP/1.0\r\n\r\n",
            "\r\nDELETE /x HTTP/1.1\r\nHost: a\r\n\r\n",
        };
        for (String head : heads) {
            RequestHead h = parse(head);
            String fromBuffer = new String(h.forBackend(null, "198.51.100.9".getBytes(StandardCharsets.ISO_8859_1), VIA, false), StandardCharsets.ISO_8859_1);
            String fromStrings = new String(h.forBackend(h.target(), "198.51.100.9", VIA), StandardCharsets.ISO_8859_1);
            assertEquals(fromStrings, fromBuffer, head);
            assertTrue(fromBuffer.startsWith(h.method() + " " + h.target() + " HTTP/1.1\r\n"), fromBuffer);
            if (h.host() != null) {
                assertTrue(fromBuffer.contains("\r\nX-Forwarded-Host: " + h.host() + "\r\n"), fromBuffer);
            }
        }
        assertTrue(new String(parse(heads[0]).forBackend(null, "h", VIA), StandardCharsets.ISO_8859_1).startsWith("GET /?x=1 HTTP/1.1\r\nHost: Shop.Example\r\n"));
        assertTrue(new String(parse(heads[4]).forBackend(null, "h", VIA), StandardCharsets.ISO_8859_1).contains("\r\nX-Forwarded-For: 192.0.2.1, h\r\n"));
    }
}
