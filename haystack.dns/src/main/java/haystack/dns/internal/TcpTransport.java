package haystack.dns.internal;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): two-byte length-prefixed messages, several
 * per connection, answered possibly out of order (forwarded ones complete later). A
 * bounded pool serves connections; an idle connection is closed after a few seconds; a
 * connection beyond the pool's size is closed at once.
 */
final class TcpTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);
    private static final int IDLE_MILLIS = 10_000;
    private static final int MAX_CONNECTIONS = 128;

    private final ServerSocket server;
    private final Thread acceptor;
    private final ThreadPoolExecutor connections = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "haystack-dns-tcp");
                t.setDaemon(true);
                return t;
            });

    TcpTransport(InetAddress address, int port, QueryHandler handler) throws IOException {
        server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(address, port), 256);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot bind DNS TCP port " + port + " on " + address.getHostAddress() + ": " + e.getMessage(), e);
        }
        acceptor = new Thread(() -> accept(handler), "haystack-dns-tcp-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("dns listening transport=tcp address={} port={}", address.getHostAddress(), port);
    }

    private void accept(QueryHandler handler) {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("dns tcp accept failed error={}", e.toString());
                }
                continue;
            }
            try {
                connections.execute(() -> serve(socket, handler));
            } catch (RejectedExecutionException e) {
                LOG.warn("dns tcp connection refused, too many open client={}", socket.getRemoteSocketAddress());
                closeQuietly(socket);
            }
        }
    }

    private static void serve(Socket socket, QueryHandler handler) {
        InetAddress client = socket.getInetAddress();
        try (socket) {
            socket.setSoTimeout(IDLE_MILLIS);
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (EOFException | SocketTimeoutException e) {
                    return;
                }
                byte[] message = new byte[length];
                in.readFully(message);
                handler.handle(ByteBuffer.wrap(message), client, true, response -> write(out, response));
            }
        } catch (SocketException | EOFException e) {
            LOG.debug("dns tcp connection ended client={} reason={}", client, e.toString());
        } catch (IOException e) {
            LOG.debug("dns tcp connection failed client={} error={}", client, e.toString());
        }
    }

    private static void write(OutputStream out, byte[] response) {
        byte[] framed = new byte[response.length + 2];
        framed[0] = (byte) (response.length >>> 8);
        framed[1] = (byte) response.length;
        System.arraycopy(response, 0, framed, 2, response.length);
        synchronized (out) {
            try {
                out.write(framed);
                out.flush();
            } catch (IOException e) {
                LOG.debug("dns tcp write failed error={}", e.toString());
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.debug("dns tcp close failed error={}", e.toString());
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("dns tcp close failed error={}", e.toString());
        }
        connections.shutdownNow();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
