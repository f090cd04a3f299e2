package haystack.dns.internal;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): two-byte length-prefixed messages, several
 * per connection, pipelined and answered possibly out of order (forwarded ones complete
 * later). A thread per connection reads; answers go out through its {@link TcpAnswers},
 * so no one who answers waits on a client; {@link TcpConnections} decides which connections may
 * open and stay, a sweeper closes the idle ones. Refusals and evictions a hostile client
 * can cause at will are logged as one line per interval.
 */
final class TcpTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);
    private static final long SWEEP_MILLIS = 100;
    private static final long WARN_INTERVAL_MILLIS = 10_000;

    private final ServerSocket server;
    private final Thread acceptor;
    private final TcpConnections connections;
    private final long idleMillis;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "haystack-dns-tcp");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "haystack-dns-tcp-sweeper");
        t.setDaemon(true);
        return t;
    });
    private final ThrottledWarning refused = new ThrottledWarning(LOG,
            "dns tcp connections refused reason=client-limit", WARN_INTERVAL_MILLIS);
    private final ThrottledWarning evicted = new ThrottledWarning(LOG,
            "dns tcp connections closed to make room reason=connection-limit", WARN_INTERVAL_MILLIS);

    TcpTransport(InetAddress address, int port, QueryHandler handler, ClientLimits limits) throws IOException {
        server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(address, port), 256);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot bind DNS TCP port " + port + " on " + address.getHostAddress() + ": " + e.getMessage(), e);
        }
        connections = new TcpConnections(limits);
        idleMillis = limits.tcpIdleTimeoutMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        acceptor = new Thread(() -> accept(handler), "haystack-dns-tcp-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("dns listening transport=tcp address={} port={} maxConnections={} maxPerClient={} idleTimeoutMillis={}",
                address.getHostAddress(), port, limits.tcpMaxConnections(), limits.tcpMaxPerClient(), idleMillis);
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
            long now = System.nanoTime();
            TcpConnections.Admission a = connections.admit(socket, now);
            if (a.evicted() != null) {
                evicted.record("client=" + a.evicted().client.getHostAddress() + " open=" + connections.size(), now);
            }
            if (a.admitted() == null) {
                refused.record("client=" + socket.getInetAddress().getHostAddress(), now);
                closeQuietly(socket);
                continue;
            }
            try {
                workers.execute(() -> serve(a.admitted(), handler));
            } catch (RejectedExecutionException e) {
                connections.done(a.admitted());
                closeQuietly(socket);
            }
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            int closed = connections.closeIdle(now);
            if (closed > 0) {
                LOG.debug("dns tcp idle connections closed count={}", closed);
            }
            refused.flush(now);
            evicted.flush(now);
        } catch (RuntimeException e) {
            LOG.warn("dns tcp sweep failed error={}", e.toString());
        }
    }

    private void serve(TcpConnections.Connection c, QueryHandler handler) {
        Socket socket = c.socket;
        try (socket) {
            // The sweeper enforces the idle timeout; this only bounds a read that outlives it.
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleMillis + 1000));
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            TcpAnswers answers = new TcpAnswers(c, socket.getOutputStream(), workers);
            while (true) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (EOFException | SocketTimeoutException e) {
                    return;
                }
                byte[] message = new byte[length];
                in.readFully(message);
                c.progress(System.nanoTime());
                handler.handle(ByteBuffer.wrap(message), c.client, true, answers::send);
            }
        } catch (SocketException | EOFException e) {
            LOG.debug("dns tcp connection ended client={} reason={}", c.client, e.toString());
        } catch (IOException e) {
            LOG.debug("dns tcp connection failed client={} error={}", c.client, e.toString());
        } finally {
            connections.done(c);
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
        sweeper.shutdownNow();
        connections.closeAll();
        refused.drain(System.nanoTime());
        evicted.drain(System.nanoTime());
        workers.shutdownNow();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
