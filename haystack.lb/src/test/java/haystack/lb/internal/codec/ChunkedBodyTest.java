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
    void brokenFramingAnywhereIsRefused() {
        assertEquals(400, refused("ZZZ\r\nhello\r\n0\r\n\r\n"));
        assertEquals(400, refused("FFFFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n"));
        assertEquals(400, refused("\r\nhello\r\n0\r\n\r\n"));
        assertEquals(400, refused("5\r\nhello!!\r\n0\r\n\r\n"));
        assertEquals(400, refused("5\r\nhello\r\nxyz\r\n"));
        assertEquals(400, refused("5\rX"));
        assertEquals(502, assertThrows(HttpException.class, () -> new ChunkedBody(502).scan(new byte[] {'g'}, 0, 1)).status());
    }
}
