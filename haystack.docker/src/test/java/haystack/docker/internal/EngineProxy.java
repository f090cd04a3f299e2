package haystack.docker.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of the engine's unix socket that a test can cut (every
 * connection closed, the port refusing) and restore on the same port: the engine going
 * away and coming back, as a daemon restart or a network cut looks to a client. It can
 * also freeze (forward nothing, close nothing), as a host that vanished looks.
 */
final class EngineProxy implements AutoCloseable {

    private final Path socket;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocketChannel server;
    private volatile int port;

    EngineProxy(Path socket) throws IOException {
        this.socket = socket;
        listen(0);
    }

    int port() {
        return port;
    }

    private void listen(int onPort) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        s.bind(new InetSocketAddress("127.0.0.1", onPort));
        port = ((InetSocketAddress) s.getLocalAddress()).getPort();
        server = s;
        Thread t = new Thread(() -> accept(s), "engine-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    private void accept(ServerSocketChannel s) {
        while (s.isOpen()) {
            try {
                SocketChannel client = s.accept();
                SocketChannel engine = SocketChannel.open(StandardProtocolFamily.UNIX);
                engine.connect(UnixDomainSocketAddress.of(socket));
                open.add(client);
                open.add(engine);
                pump(client, engine);
                pump(engine, client);
            } catch (IOException e) {
                return; // server closed: cut
            }
        }
    }

    private void pump(SocketChannel from, SocketChannel to) {
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(16384);
            try {
                while (from.read(buf) >= 0) {
                    awaitThaw();
                    buf.flip();
                    while (buf.hasRemaining()) {
                        to.write(buf);
                    }
                    buf.clear();
                }
            } catch (IOException e) {
                // a side closed
            }
            closeQuietly(from);
            closeQuietly(to);
        }, "engine-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private volatile boolean frozen;

    private void awaitThaw() throws IOException {
        try {
            for (int i = 0; frozen && i < 3000; i++) { // at most 60 s
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    /** Stops forwarding without closing anything: a host that went away without a word (half-open TCP). */
    void freeze() {
        frozen = true;
    }

    /** Forwards again, including what waited. */
    void thaw() {
        frozen = false;
    }

    /** Closes the port and every connection through it. */
    void cut() {
        closeQuietly(server);
        for (SocketChannel c : open) {
            closeQuietly(c);
        }
        open.clear();
    }

    /** Listens again on the same port. */
    void restore() throws IOException {
        listen(port);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        cut();
    }
}
