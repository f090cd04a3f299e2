package haystack.itest.hotswap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests through the balancer on loopback from several threads, bounded in count and
 * time, until stopped: what answered, and every failure with its reason.
 */
final class RequestLoop implements AutoCloseable {

    private static final int MAX_REQUESTS = 100_000;
    private static final long MAX_MILLIS = 180_000;

    private final int port;
    private final String host;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong total = new AtomicLong();
    private final Map<String, LongAdder> bodies = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final long deadline = System.currentTimeMillis() + MAX_MILLIS;

    RequestLoop(int port, String host, int threadCount) {
        this.port = port;
        this.host = host;
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(this::run, "request-loop-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void run() {
        while (running.get() && total.incrementAndGet() <= MAX_REQUESTS && System.currentTimeMillis() < deadline) {
            try {
                String body = get(port, host);
                bodies.computeIfAbsent(body, b -> new LongAdder()).increment();
            } catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
    }

    /** One GET of / with {@code host} as Host, on a fresh connection; the body, or the failure as an exception. */
    static String get(int port, String host) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!response.startsWith("HTTP/1.1 200")) {
                throw new IOException(response.lines().findFirst().orElse("empty response"));
            }
            return response.substring(response.indexOf("\r\n\r\n") + 4).strip();
        }
    }

    /** A snapshot of how many responses carried each body so far. */
    Map<String, Long> bodies() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        bodies.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    long total() {
        return Math.min(total.get(), MAX_REQUESTS);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    boolean isRunning() {
        return running.get() && System.currentTimeMillis() < deadline;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(15_000);
        }
    }
}
