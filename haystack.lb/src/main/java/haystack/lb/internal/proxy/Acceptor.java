package haystack.lb.internal.proxy;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import haystack.lb.internal.io.EventLoop;
import haystack.lb.internal.io.Io;
import haystack.lb.internal.io.LoopConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts client connections of one listener on one loop; every loop accepts from the
 * same socket. At the connection limit it closes this loop's longest idle client
 * connection to make room; when there is none it stops accepting (clients wait in the
 * backlog) until connections close.
 */
final class Acceptor implements Io {

    private static final Logger LOG = LoggerFactory.getLogger(Acceptor.class);

    private final EventLoop loop;
    private final LoopLocal local;
    private final Listener listener;
    private final ProxyContext context;
    private final SelectionKey key;
    private boolean paused;

    Acceptor(LoopLocal local, Listener listener, ServerSocketChannel server, ProxyContext context) throws IOException {
        this.local = local;
        this.loop = local.loop;
        this.listener = listener;
        this.context = context;
        this.key = server.register(loop.selector, SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public void ready(SelectionKey k) {
        ServerSocketChannel server = (ServerSocketChannel) k.channel();
        for (int i = 0; i < 64; i++) {
            boolean room = context.connectionOpened();
            if (!room && local.idleClients.size() == 0) {
                pause();
                return;
            }
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (room) {
                    context.connectionClosed();
                }
                LOG.warn("accept failed listener={} error={}", listener.name(), e.toString());
                return;
            }
            if (channel == null) {
                if (room) {
                    context.connectionClosed();
                }
                return;
            }
            if (!room) {
                // a client is really waiting: the connection idle the longest makes room for it
                local.idleClients.closeOldest();
                context.metrics.idleEvictions().increment();
                context.connectionOpenedInPlace();
            }
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                new ClientConnection(local, listener, context, channel);
            } catch (IOException e) {
                context.connectionClosed();
                LoopConnection.closeQuietly(channel);
            }
        }
    }

    private void pause() {
        if (!paused) {
            paused = true;
            key.interestOps(0);
            LOG.warn("connection limit reached listener={} limit={}", listener.name(), context.maxConnections());
        }
    }

    @Override
    public void tick(long nowMs) {
        if (paused && context.belowLimit()) {
            paused = false;
            key.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    @Override
    public void close() {
        key.cancel();
    }
}
