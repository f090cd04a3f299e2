package haystack.lb.internal;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import haystack.api.metrics.Histogram;
import haystack.api.metrics.MetricsSource;
import haystack.api.metrics.MetricsWriter;
import haystack.api.metrics.MetricsWriter.Type;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every request when it completes: by service, endpoint and status class, its
 * duration by service, and (when {@code access.log} is on) one access-log line. Counting
 * is a map lookup and a LongAdder; samples are written only when metrics are scraped.
 */
final class RequestMetrics implements MetricsSource {

    private static final Logger ACCESS = LoggerFactory.getLogger("haystack.access");
    private static final AttachmentKey<Boolean> COUNTED = AttachmentKey.create(Boolean.class);
    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private record Key(String service, String endpoint, String status) {
    }

    private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> durations = new ConcurrentHashMap<>();
    private final LongAdder inFlight = new LongAdder();
    private final boolean accessLog;
    /** Open client connections by listener, counted from their first request to their close. */
    private final Map<String, LongAdder> connections = new ConcurrentHashMap<>();

    RequestMetrics(boolean accessLog) {
        this.accessLog = accessLog;
    }

    /** {@code next}, counted as served by {@code listener}. */
    HttpHandler wrap(String listener, HttpHandler next) {
        LongAdder open = connections.computeIfAbsent(listener, l -> new LongAdder());
        return exchange -> {
            long start = System.nanoTime();
            inFlight.increment();
            ServerConnection connection = exchange.getConnection();
            if (connection.getAttachment(COUNTED) == null) {
                connection.putAttachment(COUNTED, Boolean.TRUE);
                open.increment();
                connection.addCloseListener(c -> open.decrement());
            }
            exchange.addExchangeCompleteListener((ex, nextListener) -> {
                try {
                    completed(ex, start);
                } finally {
                    nextListener.proceed();
                }
            });
            next.handleRequest(exchange);
        };
    }

    private void completed(HttpServerExchange ex, long start) {
        long nanos = System.nanoTime() - start;
        inFlight.decrement();
        Route route = ex.getAttachment(RoutingHandler.ROUTE);
        Attempt attempt = ex.getAttachment(Attempt.KEY);
        Backend backend = attempt == null ? null : attempt.last();
        String service = route == null ? "" : route.service();
        String endpoint = backend == null ? "" : backend.pool().getUri().getAuthority();
        int status = ex.getStatusCode();
        String statusClass = status >= 100 && status < 600 ? CLASSES[status / 100 - 1] : "other";
        requests.computeIfAbsent(new Key(service, endpoint, statusClass), k -> new LongAdder()).increment();
        durations.computeIfAbsent(service, s -> new Histogram()).observeNanos(nanos);
        if (accessLog) {
            InetSocketAddress client = ex.getSourceAddress();
            ACCESS.info("access time={} client={} host={} method={} path={} service={} container={} endpoint={} status={} bytes={} durationMs={}",
                    Instant.now(), client == null ? "-" : client.getAddress().getHostAddress(),
                    orDash(ex.getRequestHeaders().getFirst(Headers.HOST)), ex.getRequestMethod(), ex.getRequestPath(),
                    orDash(service), backend == null ? "-" : backend.endpoint().containerName(), orDash(endpoint), status,
                    ex.getResponseBytesSent(), String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6));
        }
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    /**
     * Forgets the counters of endpoints and services no longer served (requests that found
     * no route or no endpoint, counted under an empty name, stay).
     */
    void retainOnly(Set<String> endpoints, Set<String> services) {
        requests.keySet().removeIf(k -> (!k.endpoint().isEmpty() && !endpoints.contains(k.endpoint()))
                || (!k.service().isEmpty() && !services.contains(k.service())));
        durations.keySet().removeIf(s -> !s.isEmpty() && !services.contains(s));
    }

    @Override
    public void collect(MetricsWriter w) {
        w.family("haystack_http_requests_total", Type.COUNTER, "HTTP requests through the load balancer by service, endpoint and status class");
        requests.forEach((k, n) -> w.sample("haystack_http_requests_total", n.sum(), "service", k.service(), "endpoint", k.endpoint(), "code", k.status()));
        w.family("haystack_http_request_duration_seconds", Type.HISTOGRAM, "Time from request start to response end, by service");
        durations.forEach((s, h) -> h.write(w, "haystack_http_request_duration_seconds", "service", s));
        w.family("haystack_http_requests_in_flight", Type.GAUGE, "Requests being proxied now");
        w.sample("haystack_http_requests_in_flight", inFlight.sum());
        w.family("haystack_http_active_connections", Type.GAUGE, "Open client connections that have sent a request, by listener");
        connections.forEach((listener, n) -> w.sample("haystack_http_active_connections", n.sum(), "listener", listener));
    }
}
