package haystack.lb.internal;

import haystack.lb.internal.http.ChunkedBody;
import haystack.lb.internal.http.HttpException;

/**
 * The bytes of one message passing from a buffer to a socket: how many of those buffered
 * belong to it (a head counted in first, then the body by its framing) and when it is over.
 * Nothing is copied: the caller writes {@link #ready} bytes from the buffer's start.
 */
final class BodyFlow {

    private final ChunkedBody chunks;
    private final boolean untilClose;
    private long lengthLeft;
    private boolean bodyEnded;
    /** Bytes at the buffer's start known to belong to this message and not yet written. */
    private int ready;

    private BodyFlow(long length, ChunkedBody chunks, boolean untilClose, int headBytes) {
        this.lengthLeft = Math.max(0, length);
        this.chunks = chunks;
        this.untilClose = untilClose;
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
     * Takes in the bytes of {@code buf} not judged yet and returns how many at its start
     * may be written now.
     *
     * @throws HttpException when chunked framing is broken
     */
    int ready(IoBuffer buf) throws HttpException {
        int from = buf.start + ready;
        if (from < buf.end && !bodyEnded) {
            if (chunks != null) {
                int end = chunks.scan(buf.a, from, buf.end);
                if (end >= 0) {
                    bodyEnded = true;
                    ready += end - from;
                } else {
                    ready += buf.end - from;
                }
            } else if (untilClose) {
                ready += buf.end - from;
            } else {
                int n = (int) Math.min(lengthLeft, buf.end - from);
                lengthLeft -= n;
                ready += n;
                bodyEnded = lengthLeft == 0;
            }
        }
        return ready;
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
