package haystack.lb.internal.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import haystack.lb.internal.codec.ConnectionFields;
import haystack.lb.internal.codec.HttpException;
import haystack.lb.internal.codec.ResponseHead;
import haystack.lb.internal.io.IoBuffer;
import org.junit.jupiter.api.Test;

class ClientHeadTest {

    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n";

    /** A buffer of {@code size} holding {@code bytes} from {@code start}. */
    private static IoBuffer buffer(int size, int start, String bytes) {
        IoBuffer in = new IoBuffer(size);
        byte[] b = bytes.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, in.a, start, b.length);
        in.start = start;
        in.end = start + b.length;
        return in;
    }

    private static String readable(IoBuffer in) {
        return new String(in.a, in.start, in.readable(), StandardCharsets.ISO_8859_1);
    }

    private static int rewrite(IoBuffer in, boolean keepAlive, boolean http10) throws HttpException {
        ResponseHead r = ResponseHead.parse(in.a, in.start, in.end, in.a.length, false, false, new haystack.lb.internal.codec.ConnectionFields());
        return ClientHead.rewrite(r, in, keepAlive, http10, new byte[r.maxRewrittenLength()]);
    }

    @Test
    void aHeadThatGrowsMovesTheBodyAlongWhenThereIsNoRoomBefore() throws HttpException {
        IoBuffer in = buffer(256, 0, HEAD + "body");
        int length = rewrite(in, false, false);
        assertEquals("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbody", readable(in));
        assertEquals(HEAD.length() + "Connection: close\r\n".length(), length);
    }

    @Test
    void aHeadThatGrowsUsesTheRoomBefore() throws HttpException {
        IoBuffer in = buffer(256, 100, HEAD + "body");
        rewrite(in, true, true);
        assertEquals("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 4\r\n\r\nbody", readable(in));
        assertEquals(100 + HEAD.length() + 4, in.end, "the body stayed where it was");
    }

    @Test
    void aFullBufferKeepsTheHeadButNeverTheBackendsConnectionFields() throws HttpException {
        String head = "HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\n";
        IoBuffer full = buffer(head.length() + 4, 0, head + "body");
        rewrite(full, false, false);
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody", readable(full));
        String closing = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 4\r\n\r\n";
        IoBuffer alsoFull = buffer(closing.length() + 4, 0, closing + "body");
        rewrite(alsoFull, true, false);
        assertEquals(HEAD + "body", readable(alsoFull));
    }

    @Test
    void aFullBufferThatCannotTakeTheLengthTheClientMustGetIsRefused() throws HttpException {
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 4, 4\r\nX: 1\r\n\r\n";
        IoBuffer full = buffer(head.length() + 4, 0, head + "body");
        assertEquals(HEAD.length() + "X: 1\r\n".length(), rewrite(buffer(256, 0, head + "body"), true, false));
        String longer = "HTTP/1.1 200 OK\nContent-Length: 4\n\n"; // gets its CRs
        assertEquals(-1, rewrite(buffer(longer.length() + 4, 0, longer + "body"), true, false));
        assertEquals(head.length() + 4, full.readable());
    }

    @Test
    void aPlainHeadForAKeptAliveHttp11ClientIsNotTouched() throws HttpException {
        IoBuffer in = buffer(256, 0, HEAD + "body");
        assertEquals(HEAD.length(), rewrite(in, true, false));
        assertEquals(0, in.start);
    }
}
