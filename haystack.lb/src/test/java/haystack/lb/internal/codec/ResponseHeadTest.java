package haystack.lb.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ResponseHeadTest {

    private static ResponseHead parse(String head, boolean toHead) throws HttpException {
        return parse(head, toHead, false);
    }

    private static ResponseHead parse(String head, boolean toHead, boolean toUpgrade) throws HttpException {
        byte[] a = head.getBytes(StandardCharsets.ISO_8859_1);
        return ResponseHead.parse(a, 0, a.length, 16384, toHead, toUpgrade, new ConnectionFields());
    }

    private static int refused(String head) {
        return assertThrows(HttpException.class, () -> parse(head, false)).status();
    }

    @Test
    void theBodyIsFramedAsRfc9112Says() throws HttpException {
        ResponseHead ok = parse("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", false);
        assertEquals(200, ok.status());
        assertEquals(Framing.LENGTH, ok.framing());
        assertEquals(12, ok.contentLength());
        assertTrue(ok.reusable());
        assertEquals(Framing.NONE, parse("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", true).framing(), "a response to HEAD");
        assertEquals(Framing.NONE, parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 12\r\n\r\n", false).framing());
        assertEquals(Framing.NONE, parse("HTTP/1.1 204 No Content\r\n\r\n", false).framing());
        assertEquals(Framing.CHUNKED, parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false).framing());
        ResponseHead untilClose = parse("HTTP/1.0 200 OK\r\n\r\n", false);
        assertEquals(Framing.UNTIL_CLOSE, untilClose.framing());
        assertFalse(untilClose.reusable());
        assertTrue(parse("HTTP/1.1 100 Continue\r\n\r\n", false).interim());
        assertEquals(Framing.TUNNEL, parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", false, true).framing());
        assertFalse(parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", false, true).interim());
        assertEquals(Framing.CHUNKED, parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", false).framing());
    }

    @Test
    void faultyFramingFromABackendIsABadGateway() {
        assertEquals(502, refused("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"), "101 to a plain GET");
        assertEquals(502, refused("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"));
        assertEquals(502, refused("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"));
        assertEquals(502, refused("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(502, refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"));
        assertEquals(502, refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"), "until close, as HAProxy refuses it too");
        assertEquals(502, refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(502, refused("http/1.1 200 OK\r\n\r\n"));
        assertEquals(502, refused("HTTP/2 200\r\n\r\n"));
        assertEquals(502, refused("HTTP/1.1 200 O\u0000K\r\n\r\n"));
        assertEquals(502, refused("HTTP/1.1 099 Low\r\n\r\n"));
        assertEquals(502, refused("\u0000\u0001\u0002garbage"), "not HTTP, before any line end");
    }

    private static String forClient(String head, ConnectionHeader connection) throws HttpException {
        ResponseHead r = parse(head, false);
        byte[] out = new byte[r.maxRewrittenLength()];
        return new String(out, 0, r.copyForClient(connection, out), StandardCharsets.ISO_8859_1);
    }

    @Test
    void theClientGetsOneLengthAndNoneBesideTransferEncoding() throws HttpException {
        assertEquals("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                forClient("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", ConnectionHeader.NONE));
        assertEquals("HTTP/1.1 200 OK\r\nX: 1\r\nContent-Length: 5\r\n\r\n",
                forClient("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: 1\r\nContent-Length: 5, 5\r\n\r\n", ConnectionHeader.NONE));
        assertEquals("HTTP/1.1 200 OK\r\nX: 1\r\nContent-Length: 0\r\n\r\n",
                forClient("HTTP/1.1 200 OK\nX: 1\nContent-Length: 0\n\n", ConnectionHeader.NONE), "bare LFs become CRLF");
        assertFalse(parse("HTTP/1.1 200 OK\nContent-Length: 0\n\n", false).sentAsIs(ConnectionHeader.NONE));
    }

    @Test
    void theClientGetsHttp11WithoutTheBackendsConnectionFields() throws HttpException {
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: 1\r\n\r\n",
                forClient("HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: close\r\nKeep-Alive: timeout=5\r\nX-A: 1\r\n\r\n",
                        ConnectionHeader.NONE));
        assertEquals("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                forClient("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n", ConnectionHeader.CLOSE));
        assertEquals("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n",
                forClient("HTTP/1.1 200 OK\r\nConnection: X-Secret, transfer-encoding\r\nX-Secret: s\r\nTransfer-Encoding: chunked\r\n\r\n",
                        ConnectionHeader.KEEP_ALIVE), "a named field goes, framing never does");
    }

    @Test
    void linesAreTakenOutInPlaceAndTheHeadEndsWhereItDid() throws HttpException {
        String head = "HTTP/1.0 200 OK\r\nConnection: close, X-Hop\r\nX-A: 1\r\nX-Hop: 2\r\nKeep-Alive: timeout=1\r\nContent-Length: 5\r\n\r\n";
        byte[] a = (head + "hello").getBytes(StandardCharsets.ISO_8859_1);
        ResponseHead r = ResponseHead.parse(a, 0, a.length, 16384, false, false, new ConnectionFields());
        assertTrue(r.rewritesInPlace(ConnectionHeader.NONE));
        int start = r.rewriteInPlace();
        assertEquals("HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 5\r\n\r\nhello", new String(a, start, a.length - start, StandardCharsets.ISO_8859_1));
    }

    @Test
    void a204OrAn1xxReachesTheClientWithoutFramingFields() throws HttpException {
        assertEquals("HTTP/1.1 204 No Content\r\nX: 1\r\n\r\n",
                forClient("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\nX: 1\r\nTransfer-Encoding: chunked\r\n\r\n", ConnectionHeader.NONE));
        assertFalse(parse("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", false).sentAsIs(ConnectionHeader.NONE));
    }

    @Test
    void aPlainHttp11HeadIsSentAsItCame() throws HttpException {
        assertTrue(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", false).sentAsIs(ConnectionHeader.NONE));
        assertFalse(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", false).sentAsIs(ConnectionHeader.CLOSE));
        assertFalse(parse("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n", false).sentAsIs(ConnectionHeader.NONE));
        assertFalse(parse("HTTP/1.1 200 OK\r\nProxy-Connection: x\r\n\r\n", false).sentAsIs(ConnectionHeader.NONE));
    }

    @Test
    void connectionHeadersDecideReuse() throws HttpException {
        assertFalse(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false).reusable());
        assertFalse(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false).reusable());
        assertTrue(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false).reusable());
    }

    @Test
    void aMalformedHeadIsABadGateway() throws HttpException {
        assertNull(parse("HTTP/1.1 200 OK\r\n", false));
        assertEquals(502, assertThrows(HttpException.class, () -> parse("HTTP/1.1 2x0 OK\r\n\r\n", false)).status());
        assertEquals(502, assertThrows(HttpException.class, () -> parse("SSH-2.0-OpenSSH\r\n\r\n", false)).status());
        assertEquals(502, assertThrows(HttpException.class, () -> parse("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", false)).status());
    }
}
