package haystack.lb.internal.io;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** A socket owned by one event loop: its selection key, its buffer while it holds bytes, and closing. */
public abstract class LoopConnection implements Io {

    public final EventLoop loop;
    public final SocketChannel channel;
    public final SelectionKey key;
    public IoBuffer in;
    private boolean closed;

    public LoopConnection(EventLoop loop, SocketChannel channel, int ops) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.key = channel.register(loop.selector, ops, this);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Tells the selector of {@code ops} only when they change. */
    public void interestOps(int ops) {
        if (!closed && key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** Closes the socket and gives the buffer back; false when it was closed already. */
    public boolean closeChannel() {
        return closeChannel(false);
    }

    /**
     * Closes the socket and gives the buffer back; false when it was closed already. With
     * {@code afterDeregistration} the socket is closed at the loop's next select
     * ({@link EventLoop#closeDeregistered}): two system calls fewer, for connections closed
     * by the thousand.
     */
    public boolean closeChannel(boolean afterDeregistration) {
        if (closed) {
            return false;
        }
        closed = true;
        key.cancel();
        if (afterDeregistration) {
            loop.closeDeregistered(channel);
        } else {
            closeQuietly(channel);
        }
        loop.release(in);
        in = null;
        return true;
    }

    public static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }
}
