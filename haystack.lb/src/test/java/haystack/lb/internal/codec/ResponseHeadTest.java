package haystack.lb.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import haystack.lb.internal.codec.ResponseHead.Framing;
import org.junit.jupiter.api.Test;

class ResponseHeadTest {

    private static ResponseHead parse(String head, boolean toHead) throws HttpException {
        byte[] a = head.getBytes(StandardCharsets.ISO_8859_1);
        return ResponseHead.parse(a, 0, a.length, 16384, toHead, new ConnectionFields());
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
        assertFalse(parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", false).interim());
    }

    private static String forClient(String head, ConnectionHeader connection) throws HttpException {
        byte[] a = head.getBytes(StandardCharsets.ISO_8859_1);
        ResponseHead r = ResponseHead.parse(a, 0, a.length, 16384, false, new ConnectionFields());
        byte[] out = new byte[a.length + 64];
        return new String(out, 0, r.copyForClient(a, 0, connection, out), StandardCharsets.ISO_8859_1);
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
