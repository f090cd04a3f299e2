package haystack.lb.internal.proxy;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import haystack.lb.internal.io.LoopAcceptor;

/**
 * Accepts the HTTP client connections of one listener on one loop. At the connection
 * limit it closes this loop's longest idle client connection to make room.
 */
final class Acceptor extends LoopAcceptor {

    private final LoopLocal local;
    private final Listener listener;
    private final ProxyContext context;

    Acceptor(LoopLocal local, Listener listener, ServerSocketChannel server, ProxyContext context) throws IOException {
        super(local.loop, listener.name(), server, context.limit);
        this.local = local;
        this.listener = listener;
        this.context = context;
    }

    @Override
    protected boolean canMakeRoom() {
        return local.idleClients.size() > 0;
    }

    @Override
    protected void makeRoom() {
        // a client is really waiting: the connection idle the longest makes room for it
        local.idleClients.closeOldest();
        context.metrics.idleEvictions().increment();
    }

    @Override
    protected void accepted(SocketChannel channel) throws IOException {
        new ClientConnection(local, listener, context, channel);
    }
}
