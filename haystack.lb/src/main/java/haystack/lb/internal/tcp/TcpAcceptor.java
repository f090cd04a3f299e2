package haystack.lb.internal.tcp;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import haystack.lb.internal.io.EventLoop;
import haystack.lb.internal.io.LoopAcceptor;

/** Accepts one TCP listener's clients on one loop; each gets a {@link TcpRelay}. At the limit it waits: a relayed connection is never idle enough to evict. */
final class TcpAcceptor extends LoopAcceptor {

    private final TcpListener listener;
    private final TcpContext context;

    TcpAcceptor(EventLoop loop, TcpListener listener, ServerSocketChannel server, TcpContext context) throws IOException {
        super(loop, listener.name(), server, context.limit);
        this.listener = listener;
        this.context = context;
    }

    @Override
    protected void accepted(SocketChannel channel) throws IOException {
        new TcpRelay(loop, listener, context, channel).start();
    }
}
