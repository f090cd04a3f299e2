package haystack.lb.internal.proxy;

import haystack.lb.internal.codec.ChunkedBody;
import haystack.lb.internal.codec.Framing;
import haystack.lb.internal.codec.HttpException;
import haystack.lb.internal.codec.ResponseHead;
import haystack.lb.internal.io.IoBuffer;

/**
 * The bytes of one message passing from a buffer to a socket: how many of those buffered
 * belong to it (a head counted in first, then the body by its framing) and when it is over.
 * Nothing is copied: the caller writes {@link #ready} bytes from the buffer's start.
 */
final class BodyFlow {

    private final ChunkedBody chunks;
    private final boolean untilClose;
    private final int headBytes;
    private long lengthLeft;
    private boolean bodyEnded;
    /** Bytes at the buffer's start known to belong to this message and not yet written. */
    private int ready;

    private BodyFlow(long length, ChunkedBody chunks, boolean untilClose, int headBytes) {
        this.lengthLeft = Math.max(0, length);
        this.chunks = chunks;
        this.untilClose = untilClose;
        this.headBytes = headBytes;
        this.ready = headBytes;
        this.bodyEnded = chunks == null && !untilClose && lengthLeft == 0;
    }

    static BodyFlow length(long length, int headBytes) {
        return new BodyFlow(length, null, false, headBytes);
    }

    static BodyFlow chunked(int badStatus, int headBytes) {
        return new BodyFlow(0, new ChunkedBody(badStatus), false, headBytes);
    }

    /** Everything until the connection ends (bodies without framing, tunnels). */
    static BodyFlow untilClose(int headBytes) {
        return new BodyFlow(0, null, true, headBytes);
    }

    /**
     * The flow of a response: its head of {@code headBytes} as it goes to the client, then
     * its body as framed (a 101 turns into a tunnel).
     */
    static BodyFlow of(ResponseHead r, int headBytes) {
        return switch (r.framing()) {
            case NONE -> length(0, headBytes);
            case LENGTH -> length(r.contentLength(), headBytes);
            case CHUNKED -> chunked(502, headBytes);
            case UNTIL_CLOSE, TUNNEL -> untilClose(headBytes);
        };
    }

    /**
     * Takes in the bytes of {@code buf} not judged yet and returns how many at its start
     * may be written now.
     *
     * @throws HttpException when chunked framing is broken
     */
    int ready(IoBuffer buf) throws HttpException {
        return ready(buf.a, buf.start, buf.end);
    }

    /** {@link #ready(IoBuffer)} of the bytes {@code a[start..end)}, the body's first at {@code start}. */
    int ready(byte[] a, int start, int limit) throws HttpException {
        int from = start + ready;
        if (from < limit && !bodyEnded) {
            if (chunks != null) {
                int end = chunks.scan(a, from, limit);
                if (end >= 0) {
                    bodyEnded = true;
                    ready += end - from;
                } else {
                    ready += limit - from;
                }
            } else if (untilClose) {
                ready += limit - from;
            } else {
                int n = (int) Math.min(lengthLeft, limit - from);
                lengthLeft -= n;
                ready += n;
                bodyEnded = lengthLeft == 0;
            }
        }
        return ready;
    }

    /**
     * Whether to wait for the rest of a small response before passing any of it on: one
     * whose whole length fits the buffer goes out in one write, and if the backend dies
     * before its end the client has seen nothing and the request can go to another
     * endpoint (a container killed mid-response fails no GET). Streams and large bodies
     * are passed on as they come.
     */
    static boolean holdBack(ResponseHead r, BodyFlow flow, IoBuffer buf) {
        return !r.interim() && r.framing() == Framing.LENGTH && !flow.ended()
                && flow.headBytes + r.contentLength() <= buf.a.length;
    }

    /** Drops what is buffered of a message not passed on; true when it has all been read. */
    boolean skipBuffered(IoBuffer buf) {
        if (complete()) {
            return true;
        }
        if (!bodyEnded || untilClose || buf == null) {
            return false;
        }
        try {
            int n = ready(buf);
            buf.start += n;
            written(n);
        } catch (HttpException e) {
            return false;
        }
        return complete();
    }

    void written(int n) {
        ready -= n;
    }

    /** Whether the whole message has been written. */
    boolean complete() {
        return bodyEnded && ready == 0;
    }

    /** Whether the end of the message has been seen in the buffer (it may not all be written yet). */
    boolean ended() {
        return bodyEnded;
    }

    boolean untilClose() {
        return untilClose;
    }
}
