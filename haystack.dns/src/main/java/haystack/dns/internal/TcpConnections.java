package haystack.dns.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The open DNS TCP connections and the one place that decides which may stay (RFC 7766
 * §6.2.3, SPEC §4): at most {@code tcpMaxConnections} in all and {@code tcpMaxPerClient}
 * from one address; when all are taken, the one that has gone longest without progress
 * (a complete query read or an answer written), the idlest or the slowest, is closed to
 * make room, as nsd does, so a client holding connections cannot lock others out. A
 * connection without progress for the idle timeout is closed; once more than half are
 * in use that timeout shrinks to {@link #PRESSURE_IDLE_MILLIS}.
 */
final class TcpConnections {

    static final long PRESSURE_IDLE_MILLIS = 1000;

    /** One client connection; {@link #progress} marks a complete query read or answer written. */
    static final class Connection {
        final Socket socket;
        final InetAddress client;
        private volatile long lastProgress;

        Connection(Socket socket, long nanos) {
            this.socket = socket;
            this.client = socket.getInetAddress();
            this.lastProgress = nanos;
        }

        void progress(long nanos) {
            lastProgress = nanos;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }
    }

    /** The outcome of {@link #admit}: the admitted connection (null: refused) and the one closed for it, if any. */
    record Admission(Connection admitted, Connection evicted) {
    }

    private final ClientLimits limits;
    private final LinkedHashSet<Connection> open = new LinkedHashSet<>();
    private final Map<InetAddress, Integer> perClient = new HashMap<>();

    TcpConnections(ClientLimits limits) {
        this.limits = limits;
    }

    /** Admits {@code socket} unless its client is at its cap; at the overall limit closes the idlest first. */
    synchronized Admission admit(Socket socket, long nanos) {
        Connection c = new Connection(socket, nanos);
        int fromClient = perClient.getOrDefault(c.client, 0);
        if (limits.tcpMaxPerClient() > 0 && fromClient >= limits.tcpMaxPerClient()) {
            return new Admission(null, null);
        }
        Connection evicted = null;
        if (open.size() >= limits.tcpMaxConnections()) {
            evicted = idlest();
            remove(evicted);
            evicted.close();
        }
        open.add(c);
        perClient.merge(c.client, 1, Integer::sum);
        return new Admission(c, evicted);
    }

    /** Forgets {@code c} (closed by its client, by an error or by us); no-op when already gone. */
    synchronized void done(Connection c) {
        remove(c);
    }

    /** Closes and forgets every connection without progress for the idle timeout; returns how many. */
    int closeIdle(long nanos) {
        List<Connection> idle = new ArrayList<>();
        synchronized (this) {
            long timeout = limits.tcpIdleTimeoutMillis();
            if (open.size() * 2 > limits.tcpMaxConnections()) {
                timeout = Math.min(timeout, PRESSURE_IDLE_MILLIS);
            }
            long timeoutNanos = timeout * 1_000_000L;
            for (Connection c : List.copyOf(open)) {
                if (nanos - c.lastProgress >= timeoutNanos) {
                    remove(c);
                    idle.add(c);
                }
            }
        }
        idle.forEach(Connection::close);
        return idle.size();
    }

    /** Closes every connection (the transport is stopping). */
    void closeAll() {
        List<Connection> all;
        synchronized (this) {
            all = List.copyOf(open);
            open.clear();
            perClient.clear();
        }
        all.forEach(Connection::close);
    }

    synchronized int size() {
        return open.size();
    }

    private Connection idlest() {
        Connection idlest = null;
        for (Connection c : open) {
            if (idlest == null || c.lastProgress - idlest.lastProgress < 0) {
                idlest = c;
            }
        }
        return idlest;
    }

    private void remove(Connection c) {
        if (open.remove(c)) {
            perClient.computeIfPresent(c.client, (k, n) -> n <= 1 ? null : n - 1);
        }
    }
}
