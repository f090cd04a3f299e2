package haystack.lb.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The backend behind a proxy under test: a raw socket server on loopback that records
 * every byte each connection brings, reads requests out of them leniently
 * ({@link LenientHttp#request}) and answers each one with a small fixed 200, or, when a
 * reply is set, the first one with those bytes exactly and then no more (it sends FIN and
 * goes on recording until the proxy closes).
 * <p>
 * One trial at a time: {@link #reset} closes what the last trial left open and forgets it,
 * {@link #take} says what arrived since.
 */
final class CaptureBackend implements AutoCloseable {

    static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] OK_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "capture-backend");
        t.setDaemon(true);
        return t;
    });
    private final List<Connection> connections = new ArrayList<>();
    private volatile byte[] reply;

    CaptureBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Closes the connections of the last trial and answers the next with {@code reply} (null: the fixed 200). */
    void reset(byte[] reply) {
        synchronized (connections) {
            for (Connection c : connections) {
                c.close();
            }
            connections.clear();
        }
        this.reply = reply;
    }

    /** What arrived since {@link #reset}, connection by connection. */
    Capture take() {
        synchronized (connections) {
            List<Received> out = new ArrayList<>();
            for (Connection c : connections) {
                out.add(c.snapshot());
            }
            return new Capture(out);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException closed) {
                return;
            }
            Connection c = new Connection(s);
            synchronized (connections) {
                connections.add(c);
            }
            threads.submit(c::serve);
        }
    }

    /** Everything one connection brought: its bytes, the requests read from them, and where reading them failed. */
    record Received(byte[] bytes, List<LenientHttp.Message> requests, String unreadable, int leftover) {
    }

    /** Everything of one trial. */
    record Capture(List<Received> connections) {

        List<LenientHttp.Message> requests() {
            return connections.stream().flatMap(c -> c.requests().stream()).toList();
        }

        long bytes() {
            return connections.stream().mapToLong(c -> c.bytes().length).sum();
        }

        /** Bytes that arrived but are not part of a complete request. */
        long leftover() {
            return connections.stream().mapToLong(Received::leftover).sum();
        }

        String unreadable() {
            return connections.stream().map(Received::unreadable).filter(u -> u != null).findFirst().orElse(null);
        }
    }

    private final class Connection {
        private final Socket socket;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final List<LenientHttp.Message> requests = new ArrayList<>();
        private int parsed;
        private String unreadable;
        private boolean replied;

        Connection(Socket socket) {
            this.socket = socket;
        }

        void serve() {
            try (socket) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] buf = new byte[65536];
                for (int n; (n = in.read(buf)) > 0; ) {
                    List<LenientHttp.Message> answer = received(buf, n);
                    for (LenientHttp.Message m : answer) {
                        byte[] r = reply;
                        if (r != null) {
                            if (!replied) {
                                replied = true;
                                out.write(r);
                                out.flush();
                                socket.shutdownOutput();
                            }
                        } else {
                            out.write(m.method().equals("HEAD") ? OK_HEAD : OK);
                            out.flush();
                        }
                    }
                }
            } catch (IOException e) {
                // closed by the proxy or by reset()
            }
        }

        /** Records {@code n} bytes and returns the requests they completed. */
        private synchronized List<LenientHttp.Message> received(byte[] buf, int n) {
            bytes.write(buf, 0, n);
            List<LenientHttp.Message> done = new ArrayList<>();
            if (unreadable != null) {
                return done;
            }
            byte[] all = bytes.toByteArray();
            while (parsed < all.length) {
                LenientHttp.Message m;
                try {
                    m = LenientHttp.request(all, parsed, all.length);
                } catch (LenientHttp.Unreadable e) {
                    unreadable = e.getMessage() + " at byte " + e.at;
                    break;
                }
                if (m == null) {
                    break;
                }
                requests.add(m);
                done.add(m);
                parsed = m.end();
            }
            return done;
        }

        synchronized Received snapshot() {
            byte[] all = bytes.toByteArray();
            int rest = all.length - parsed;
            // empty lines between requests are not a request
            for (int i = parsed; i < all.length && (all[i] == '\r' || all[i] == '\n'); i++) {
                rest--;
            }
            return new Received(all, List.copyOf(requests), unreadable, rest);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        reset(null);
        threads.shutdownNow();
    }
}
