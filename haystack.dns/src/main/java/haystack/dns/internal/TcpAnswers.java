package haystack.dns.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers waiting to go out on one TCP connection, written by one task at a time on a
 * worker thread. Whoever answers (the connection's reader, the forwarder's I/O thread)
 * only queues, so a client that never reads can stall nothing but its own connection;
 * when it has {@link #MAX_QUEUED} answers unread, it is closed.
 */
final class TcpAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(TcpAnswers.class);
    static final int MAX_QUEUED = 64;

    private final TcpConnections.Connection connection;
    private final OutputStream out;
    private final Executor writers;
    private final ArrayDeque<byte[]> queued = new ArrayDeque<>();
    private boolean writing;

    TcpAnswers(TcpConnections.Connection connection, OutputStream out, Executor writers) {
        this.connection = connection;
        this.out = out;
        this.writers = writers;
    }

    /** Queues one answer (without its length prefix). */
    void send(byte[] response) {
        byte[] framed = new byte[response.length + 2];
        framed[0] = (byte) (response.length >>> 8);
        framed[1] = (byte) response.length;
        System.arraycopy(response, 0, framed, 2, response.length);
        synchronized (queued) {
            if (queued.size() >= MAX_QUEUED) {
                LOG.debug("dns tcp client reads no answers client={} queued={}", connection.client.getHostAddress(), queued.size());
                connection.close();
                return;
            }
            queued.add(framed);
            if (writing) {
                return;
            }
            writing = true;
        }
        try {
            writers.execute(this::drain);
        } catch (RejectedExecutionException stopping) {
            connection.close();
        }
    }

    private void drain() {
        while (true) {
            byte[] next;
            synchronized (queued) {
                next = queued.poll();
                if (next == null) {
                    writing = false;
                    return;
                }
            }
            try {
                out.write(next);
                out.flush();
                connection.progress(System.nanoTime());
            } catch (IOException e) {
                LOG.debug("dns tcp write failed client={} error={}", connection.client.getHostAddress(), e.toString());
                connection.close();
                synchronized (queued) {
                    queued.clear();
                    writing = false;
                }
                return;
            }
        }
    }
}
