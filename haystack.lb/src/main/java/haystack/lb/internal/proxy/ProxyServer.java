package haystack.lb.internal.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;

import haystack.lb.internal.io.EventLoop;
import haystack.lb.internal.io.LoopWatchdog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loops and the listening sockets: every loop accepts from every listener, so
 * connections spread over the loops, and a port that cannot be bound is reported by its
 * own number.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final EventLoop[] loops;
    private final LoopLocal[] locals;
    private final ProxyContext context;
    private final List<ServerSocketChannel> servers = new ArrayList<>();
    private final LoopWatchdog watchdog;

    public ProxyServer(int ioThreads, ProxyContext context) {
        this.context = context;
        this.loops = new EventLoop[ioThreads];
        this.locals = new LoopLocal[ioThreads];
        for (int i = 0; i < ioThreads; i++) {
            loops[i] = new EventLoop("haystack-lb", i, context.bufferSize());
            locals[i] = new LoopLocal(loops[i], context.bufferSize());
            loops[i].start();
        }
        this.watchdog = new LoopWatchdog(loops, context.metrics.loopStalls());
    }

    public EventLoop[] loops() {
        return loops;
    }

    /** Client connections waiting with nothing of a request read (for tests; read without a barrier, so poll it). */
    public int idleClients() {
        int n = 0;
        for (LoopLocal local : locals) {
            n += local.idleClients.size();
        }
        return n;
    }

    /**
     * Binds {@code bind:port} and serves it as {@code listener}.
     *
     * @throws IllegalStateException naming the port and the reason when it cannot be bound
     */
    public void listen(String bind, int port, Listener listener) {
        ServerSocketChannel server;
        try {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(bind, port), 1024);
            server.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot bind " + listener.name() + " port " + port + " on " + bind + ": " + e.getMessage(), e);
        }
        servers.add(server);
        for (LoopLocal local : locals) {
            local.loop.execute(() -> {
                try {
                    new Acceptor(local, listener, server, context);
                } catch (IOException e) {
                    if (server.isOpen()) { // else closed before this loop got to it: a start-up that failed elsewhere
                        LOG.error("cannot accept listener={} port={} reason={}", listener.name(), port, e.toString());
                    }
                }
            });
        }
        LOG.info("listening listener={} port={} bind={} ioThreads={}", listener.name(), boundPort(servers.size() - 1), bind, loops.length);
    }

    /**
     * Moves the listener started {@code index}-th to {@code bind:port}: the new socket
     * accepts before the old one closes, and connections already open stay where they are.
     *
     * @throws IllegalStateException naming the port when it cannot be bound; the old one then serves on
     */
    public void rebind(int index, String bind, int port, Listener listener) {
        ServerSocketChannel old = servers.get(index);
        listen(bind, port, listener);
        ServerSocketChannel fresh = servers.remove(servers.size() - 1);
        servers.set(index, fresh);
        try {
            old.close();
        } catch (IOException ignored) {
            // it stops accepting either way
        }
    }

    /** The port actually bound by the listener started {@code index}-th (for port 0 in tests). */
    public int boundPort(int index) {
        try {
            return ((InetSocketAddress) servers.get(index).getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        for (ServerSocketChannel server : servers) {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        servers.clear();
        watchdog.close();
        for (EventLoop loop : loops) {
            loop.stop();
        }
    }
}
