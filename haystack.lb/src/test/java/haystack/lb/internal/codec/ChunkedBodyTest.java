package haystack.lb.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ChunkedBodyTest {

    private static final String BODY = "5;ext=1\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer: x\r\n\r\n";

    @Test
    void theEndIsFoundAndWhatFollowsIsLeft() throws HttpException {
        byte[] a = (BODY + "GET /next").getBytes(StandardCharsets.ISO_8859_1);
        ChunkedBody body = new ChunkedBody(400);
        assertEquals(BODY.length(), body.scan(a, 0, a.length));
        assertTrue(body.done());
    }

    @Test
    void bytesArrivingOneByOneGiveTheSameEnd() throws HttpException {
        byte[] a = BODY.getBytes(StandardCharsets.ISO_8859_1);
        ChunkedBody body = new ChunkedBody(400);
        for (int i = 0; i < a.length - 1; i++) {
            assertEquals(-1, body.scan(a, i, i + 1), "byte " + i);
        }
        assertEquals(a.length, body.scan(a, a.length - 1, a.length));
    }

    private static int refused(String body) {
        byte[] a = body.getBytes(StandardCharsets.ISO_8859_1);
        return assertThrows(HttpException.class, () -> new ChunkedBody(400).scan(a, 0, a.length)).status();
    }

    @Test
    void sizesThatWouldOverflowAreRefusedNotWrapped() {
        assertEquals(400, refused("8000000000000000\r\nhello\r\n0\r\n\r\n"), "2^63: negative in a long");
        assertEquals(400, refused("FFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n"), "2^64 - 1: -1 in a long");
        assertEquals(400, refused("0000000000000000\r\n\r\n"), "16 digits, even of zeros");
    }

    @Test
    void theLargestSizeIsFifteenDigitsAndItsDataIsSkippedInOneStep() throws HttpException {
        byte[] a = "FFFFFFFFFFFFFFF\r\n".getBytes(StandardCharsets.ISO_8859_1);
        ChunkedBody body = new ChunkedBody(400);
        assertEquals(-1, body.scan(a, 0, a.length));
        byte[] data = new byte[1 << 20];
        assertEquals(-1, body.scan(data, 0, data.length));
    }

    @Test
    void extensionsThatFollowTheGrammarPass() throws HttpException {
        String ok = "5 ; a = b ;c;d=\"q \\\" ;\"\r\nhello\r\n0;last\r\nX-T: 1\r\n\r\n";
        byte[] a = ok.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(a.length, new ChunkedBody(400).scan(a, 0, a.length));
    }

    @Test
    void brokenFramingAnywhereIsRefused() {
        assertEquals(400, refused("ZZZ\r\nhello\r\n0\r\n\r\n"));
        // BWS comes only before ';' or '=' (RFC 9112 §7.1.1): never before the line end
        assertEquals(400, refused("5;a=b\t\r\nhello\r\n0\r\n\r\n"));
        assertEquals(400, refused("5;a \r\nhello\r\n0\r\n\r\n"));
        assertEquals(400, refused("FFFFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n"));
        assertEquals(400, refused("\r\nhello\r\n0\r\n\r\n"));
        assertEquals(400, refused("5\r\nhello!!\r\n0\r\n\r\n"));
        assertEquals(400, refused("5\r\nhello\r\nxyz\r\n"));
        assertEquals(400, refused("5\rX"));
        assertEquals(400, refused("5\nhello\r\n0\r\n\r\n"), "a bare LF ends the size line");
        assertEquals(400, refused("5\r\nhello\n0\r\n\r\n"), "a bare LF after the data");
        assertEquals(400, refused("0\r\n\n"), "a bare LF ends the trailers");
        assertEquals(400, refused("5 xyz\r\nhello\r\n0\r\n\r\n"), "an extension without ';'");
        assertEquals(400, refused("5;\r\nhello\r\n0\r\n\r\n"), "an extension without a name");
        assertEquals(400, refused("5;a=\u0001\r\n"), "a control byte in an extension");
        assertEquals(400, refused("5;a=\"x\u0000\"\r\n"), "a control byte in a quoted extension");
        assertEquals(400, refused("0\r\nGET /SMUGGLED HTTP/1.1\r\n\r\n"), "a request line as a trailer");
        assertEquals(400, refused("0\r\nX: a\u0007\r\n\r\n"), "a control byte in a trailer");
        assertEquals(400, refused("0\r\n folded\r\n\r\n"));
        assertEquals(400, refused("0x5\r\nhello\r\n0\r\n\r\n"));
        assertEquals(400, refused("-5\r\nhello\r\n0\r\n\r\n"));
        assertEquals(400, refused("1" + ";a=b".repeat(1100) + "\r\n"), "an endless size line");
        assertEquals(502, assertThrows(HttpException.class, () -> new ChunkedBody(502).scan(new byte[] {'g'}, 0, 1)).status());
    }
}
