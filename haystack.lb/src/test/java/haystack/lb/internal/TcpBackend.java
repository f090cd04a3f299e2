package haystack.lb.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP server for relay tests. An echo server first sends its name and a
 * newline, then echoes every byte until the client's end of stream, then ends its own.
 * A source server sends {@code sourceBytes} as fast as the client takes them, counting
 * what it managed to write.
 */
final class TcpBackend implements AutoCloseable {

    final String name;
    final ServerSocket server;
    final AtomicInteger accepted = new AtomicInteger();
    /** Bytes a source server has written so far. */
    final AtomicLong written = new AtomicLong();
    private final long sourceBytes;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tcp-backend");
        t.setDaemon(true);
        return t;
    });

    static TcpBackend echo(String name) throws IOException {
        return new TcpBackend(name, -1, 0);
    }

    static TcpBackend echo(String name, int port) throws IOException {
        return new TcpBackend(name, -1, port);
    }

    static TcpBackend source(long bytes) throws IOException {
        return new TcpBackend("source", bytes, 0);
    }

    private TcpBackend(String name, long sourceBytes, int port) throws IOException {
        this.name = name;
        this.sourceBytes = sourceBytes;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            OutputStream out = s.getOutputStream();
            if (sourceBytes >= 0) {
                byte[] chunk = new byte[65536];
                for (long left = sourceBytes; left > 0; ) {
                    int n = (int) Math.min(chunk.length, left);
                    out.write(chunk, 0, n);
                    written.addAndGet(n);
                    left -= n;
                }
                return;
            }
            out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) != -1; ) {
                out.write(buf, 0, n);
            }
            s.shutdownOutput();
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
