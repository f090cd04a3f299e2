package haystack.lb.internal.io;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts the client connections of one listening socket on one loop (every loop accepts
 * from the same socket), within the {@link ConnectionLimit}. At the limit a subclass may
 * make room (close a connection it can spare); otherwise accepting stops, clients wait in
 * the backlog, until connections close.
 */
public abstract class LoopAcceptor implements Io {

    private static final Logger LOG = LoggerFactory.getLogger(LoopAcceptor.class);
    private static final int ACCEPTS_PER_EVENT = 64;

    protected final EventLoop loop;
    private final String name;
    private final ConnectionLimit limit;
    private final SelectionKey key;
    private boolean paused;

    protected LoopAcceptor(EventLoop loop, String name, ServerSocketChannel server, ConnectionLimit limit) throws IOException {
        this.loop = loop;
        this.name = name;
        this.limit = limit;
        this.key = server.register(loop.selector, SelectionKey.OP_ACCEPT, this);
    }

    /** Takes a counted, non-blocking client connection; on an exception it is closed and uncounted. */
    protected abstract void accepted(SocketChannel channel) throws IOException;

    /** Whether {@link #makeRoom} can close a connection now. */
    protected boolean canMakeRoom() {
        return false;
    }

    /** Closes one connection this loop can spare, for a client that is really waiting. */
    protected void makeRoom() {
    }

    @Override
    public void ready(SelectionKey k) {
        ServerSocketChannel server = (ServerSocketChannel) k.channel();
        for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
            boolean room = limit.tryOpen();
            if (!room && !canMakeRoom()) {
                pause();
                return;
            }
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (room) {
                    limit.closed();
                }
                LOG.warn("accept failed listener={} error={}", name, e.toString());
                return;
            }
            if (channel == null) {
                if (room) {
                    limit.closed();
                }
                return;
            }
            if (!room) {
                makeRoom();
                limit.openInPlace();
            }
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                accepted(channel);
            } catch (IOException e) {
                limit.closed();
                LoopConnection.closeQuietly(channel);
            }
        }
    }

    private void pause() {
        if (!paused) {
            paused = true;
            key.interestOps(0);
            LOG.warn("connection limit reached listener={} limit={}", name, limit.max());
        }
    }

    @Override
    public void tick(long nowMs) {
        if (paused && limit.belowLimit() && key.isValid()) {
            paused = false;
            key.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    @Override
    public void close() {
        key.cancel();
    }
}
