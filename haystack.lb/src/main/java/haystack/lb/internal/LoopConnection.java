package haystack.lb.internal;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** A socket owned by one event loop: its selection key, its buffer while it holds bytes, and closing. */
abstract class LoopConnection implements Io {

    final EventLoop loop;
    final SocketChannel channel;
    final SelectionKey key;
    IoBuffer in;
    private boolean closed;

    LoopConnection(EventLoop loop, SocketChannel channel, int ops) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.key = channel.register(loop.selector, ops, this);
    }

    boolean isClosed() {
        return closed;
    }

    /** Tells the selector of {@code ops} only when they change. */
    void interestOps(int ops) {
        if (!closed && key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** Closes the socket and gives the buffer back; false when it was closed already. */
    boolean closeChannel() {
        if (closed) {
            return false;
        }
        closed = true;
        key.cancel();
        closeQuietly(channel);
        loop.release(in);
        in = null;
        return true;
    }

    static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }
}
