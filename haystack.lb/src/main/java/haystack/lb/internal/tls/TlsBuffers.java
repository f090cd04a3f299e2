package haystack.lb.internal.tls;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The encrypted-side buffers of one event loop's TLS connections, lent while a connection
 * has bytes in them: an idle keep-alive HTTPS connection holds none (the SSLEngine alone),
 * as an idle plain one holds no read buffer. Of one size (the sessions' packet buffer
 * size); bigger ones, grown for an unusual peer, are not kept. The loop's thread only.
 */
public final class TlsBuffers {

    private static final int KEPT = 256;

    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private int size;

    /** A cleared buffer of at least {@code packetSize} bytes. */
    ByteBuffer take(int packetSize) {
        if (packetSize > size) {
            size = packetSize;
            free.clear();
        }
        ByteBuffer b = free.pollLast();
        return b != null ? b : ByteBuffer.allocate(size);
    }

    void give(ByteBuffer b) {
        if (b.capacity() == size && free.size() < KEPT) {
            b.clear();
            free.addLast(b);
        }
    }
}
