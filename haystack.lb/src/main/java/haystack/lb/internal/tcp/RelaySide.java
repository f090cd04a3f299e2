package haystack.lb.internal.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import haystack.lb.internal.io.EventLoop;
import haystack.lb.internal.io.LoopConnection;

/**
 * One socket of a {@link TcpRelay}, client or endpoint: its events go to the relay; its
 * {@link #buffer} holds what it sent that the other side has not taken yet.
 */
final class RelaySide extends LoopConnection {

    private final TcpRelay relay;
    /** In fill mode: {@code [0, position)} waits to be written to the other side. Null while nothing waits. */
    ByteBuffer buffer;
    /** Read the end of its stream. */
    boolean eof;
    /** Its output is shut down: the other side's stream ended and everything was passed on. */
    boolean shut;

    RelaySide(TcpRelay relay, EventLoop loop, SocketChannel channel, int ops) throws IOException {
        super(loop, channel, ops);
        this.relay = relay;
    }

    boolean pending() {
        return buffer != null && buffer.position() > 0;
    }

    boolean full() {
        return buffer != null && !buffer.hasRemaining();
    }

    /** Closes the socket (once the selector has dropped it) and gives its buffer back to the loop. */
    void closeAndRelease() {
        closeChannel(true);
        loop.release(buffer);
        buffer = null;
    }

    @Override
    public void ready(SelectionKey key) {
        if (!isClosed()) {
            relay.ready(this, key.readyOps());
        }
    }

    @Override
    public void tick(long nowMs) {
        relay.tick(this, nowMs);
    }

    @Override
    public void close() {
        relay.abort(null);
    }
}
