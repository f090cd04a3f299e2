package haystack.lb.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrent GETs through the load balancer until stopped, bounded in count and time.
 * Counts successes per body and keeps every failure (status or exception) for the report.
 */
final class RequestLoop implements AutoCloseable {

    private static final int MAX_REQUESTS_PER_THREAD = 5_000;
    private static final long MAX_MILLIS = 60_000;

    final Map<String, AtomicInteger> bodies = new ConcurrentHashMap<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final AtomicInteger done = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    RequestLoop(int port, String host, int concurrency) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("Host", host).timeout(Duration.ofSeconds(20)).build();
        long deadline = System.currentTimeMillis() + MAX_MILLIS;
        for (int t = 0; t < concurrency; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < MAX_REQUESTS_PER_THREAD && running.get() && System.currentTimeMillis() < deadline; i++) {
                    try {
                        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            bodies.computeIfAbsent(r.body().trim(), k -> new AtomicInteger()).incrementAndGet();
                        } else {
                            failures.add(r.statusCode() + " " + r.body().replace('\n', ' '));
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                    done.incrementAndGet();
                }
            }, "request-loop-" + t);
            thread.start();
            threads.add(thread);
        }
    }

    /** Waits until {@code more} further requests completed (or the loop ended). */
    void awaitRequests(int more) throws InterruptedException {
        int target = done.get() + more;
        while (done.get() < target && threads.stream().anyMatch(Thread::isAlive)) {
            Thread.sleep(20);
        }
    }

    int served(String body) {
        AtomicInteger n = bodies.get(body);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }
}
