package haystack.lb.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * Loopback backends for protocol tests: one that echoes request headers, counts upload
 * bytes and streams downloads of a requested size, and one that accepts and stays silent.
 */
final class TestBackends {

    private TestBackends() {
    }

    /** JDK HttpServer on 127.0.0.1: / echoes headers, /upload counts bytes, /download?n streams n bytes. */
    static final class Echo implements AutoCloseable {
        final HttpServer server;
        final AtomicInteger requests = new AtomicInteger();
        private final ExecutorService threads = Executors.newFixedThreadPool(4);

        Echo() throws IOException {
            this(0);
        }

        Echo(int port) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            server.setExecutor(threads);
            server.createContext("/", exchange -> {
                requests.incrementAndGet();
                String path = exchange.getRequestURI().getPath();
                try (exchange) {
                    if (path.startsWith("/status/")) {
                        send(exchange, Integer.parseInt(path.substring("/status/".length())), "status");
                    } else if (path.startsWith("/upload")) {
                        long n = 0;
                        byte[] buf = new byte[65536];
                        try (InputStream in = exchange.getRequestBody()) {
                            for (int r; (r = in.read(buf)) != -1; ) {
                                n += r;
                            }
                        }
                        send(exchange, 200, Long.toString(n));
                    } else if (path.startsWith("/download")) {
                        long n = Long.parseLong(exchange.getRequestURI().getQuery());
                        exchange.sendResponseHeaders(200, n);
                        byte[] buf = new byte[65536];
                        for (int i = 0; i < buf.length; i++) {
                            buf[i] = (byte) i;
                        }
                        try (OutputStream out = exchange.getResponseBody()) {
                            for (long left = n; left > 0; left -= buf.length) {
                                out.write(buf, 0, (int) Math.min(buf.length, left));
                            }
                        }
                    } else {
                        Map<String, String> headers = new TreeMap<>();
                        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
                        StringBuilder body = new StringBuilder("path=" + exchange.getRequestURI() + "\n");
                        headers.forEach((k, v) -> body.append(k).append('=').append(v).append('\n'));
                        send(exchange, 200, body.toString());
                    }
                }
            });
            server.start();
        }

        private static void send(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    /** Accepts connections and never answers. */
    static final class Silent implements AutoCloseable {
        final ServerSocket socket;
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        Silent() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        held.add(socket.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "silent-backend");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /** A plain socket server on loopback serving each connection on its own thread. */
    abstract static class RawBackend implements AutoCloseable {
        final ServerSocket socket;
        private final ExecutorService threads = Executors.newCachedThreadPool();

        RawBackend() throws IOException {
            this(0);
        }

        /** On {@code port} (0: any free one): a backend started again where it was. */
        RawBackend(int port) throws IOException {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            threads.submit(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        threads.submit(() -> {
                            try (s) {
                                serve(s);
                            } catch (IOException e) {
                                // the proxy went away: nothing to answer
                            }
                        });
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        abstract void serve(Socket s) throws IOException;

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            threads.shutdownNow();
        }
    }

    /**
     * Answers the first request of each connection (keeping it alive) and closes the
     * connection when a second request arrives on it, without answering: what a backend
     * whose keep-alive timeout fires as a request goes out looks like.
     */
    static final class OneRequestPerConnection extends RawBackend {
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger dropped = new AtomicInteger();

        OneRequestPerConnection() throws IOException {
        }

        @Override
        void serve(Socket s) throws IOException {
            InputStream in = s.getInputStream();
            readRequest(in);
            byte[] body = ("answer " + answered.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            if (in.read() >= 0) {
                dropped.incrementAndGet();
            }
        }

        /** Reads one request head and its Content-Length body. */
        private static void readRequest(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed");
                }
                head.append((char) b);
            }
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    in.readNBytes(Integer.parseInt(line.substring(15).trim()));
                }
            }
        }
    }

    /** Answers every connection's first bytes with {@code reply}, whatever was asked, then closes. */
    static final class Scripted extends RawBackend {
        private final String reply;

        Scripted(String reply) throws IOException {
            this.reply = reply;
        }

        @Override
        void serve(Socket s) throws IOException {
            s.getInputStream().read(new byte[4096]);
            s.getOutputStream().write(reply.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** A loopback port nothing listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
