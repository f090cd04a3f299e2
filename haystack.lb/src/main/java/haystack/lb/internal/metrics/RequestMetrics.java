package haystack.lb.internal.metrics;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import haystack.api.metrics.Histogram;
import haystack.api.metrics.MetricsSource;
import haystack.api.metrics.MetricsWriter.Type;
import haystack.api.metrics.MetricsWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every request when it completes: by service, endpoint and status class, its
 * duration by service, and (when {@code access.log} is on) one access-log line. Counting
 * is a map lookup and a LongAdder; samples are written only when metrics are scraped.
 */
public final class RequestMetrics implements MetricsSource {

    private static final Logger ACCESS = LoggerFactory.getLogger("haystack.access");
    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private record Key(String service, String endpoint, String status) {
    }

    private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> durations = new ConcurrentHashMap<>();
    private final LongAdder inFlight = new LongAdder();
    private volatile boolean accessLog;
    /** Times an event loop was busy for more than a second without coming back to select. */
    private final LongAdder loopStalls = new LongAdder();
    /** Idle client connections closed at the connection limit to let a new client in. */
    private final LongAdder idleEvictions = new LongAdder();
    /** Open client connections by listener. */
    private final Map<String, LongAdder> connections = new ConcurrentHashMap<>();

    public RequestMetrics(boolean accessLog) {
        this.accessLog = accessLog;
    }

    public LongAdder loopStalls() {
        return loopStalls;
    }

    public LongAdder idleEvictions() {
        return idleEvictions;
    }

    /** Requests completed, whatever their status. */
    public long completedCount() {
        return requests.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** The gauge of open client connections of {@code listener}. */
    public LongAdder connections(String listener) {
        return connections.computeIfAbsent(listener, l -> new LongAdder());
    }

    public void accessLog(boolean on) {
        accessLog = on;
    }

    public boolean logsAccess() {
        return accessLog;
    }

    public void started() {
        inFlight.increment();
    }

    /** Counts {@code r} (and logs it when the access log is on). */
    public void completed(CompletedRequest r) {
        String service = r.route() == null ? "" : r.route().service();
        String endpoint = r.backend() == null ? "" : r.backend().authority();
        int status = r.status();
        String statusClass = status >= 100 && status < 600 ? CLASSES[status / 100 - 1] : "other";
        requests.computeIfAbsent(new Key(service, endpoint, statusClass), k -> new LongAdder()).increment();
        durations.computeIfAbsent(service, s -> new Histogram()).observeNanos(r.nanos());
        // last: a reader that sees the request no longer in flight sees it counted
        inFlight.decrement();
        if (accessLog) {
            ACCESS.info("access time={} client={} host={} method={} path={} service={} container={} endpoint={} status={} bytes={} durationMs={}",
                    Instant.now(), r.client().getHostAddress(), orDash(r.host()), r.method(), orDash(r.path()),
                    orDash(service), r.backend() == null ? "-" : r.backend().endpoint().containerName(), orDash(endpoint), status,
                    r.bodyBytes(), String.format(java.util.Locale.ROOT, "%.3f", r.nanos() / 1e6));
        }
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    /**
     * Forgets the counters of endpoints and services no longer served (requests that found
     * no route or no endpoint, counted under an empty name, stay).
     */
    public void retainOnly(Set<String> endpoints, Set<String> services) {
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
        w.family("haystack_lb_loop_stalls_total", Type.COUNTER, "Times an event loop was busy for more than a second");
        w.sample("haystack_lb_loop_stalls_total", loopStalls.sum());
        w.family("haystack_lb_idle_evictions_total", Type.COUNTER, "Idle client connections closed at the connection limit to make room");
        w.sample("haystack_lb_idle_evictions_total", idleEvictions.sum());
        w.family("haystack_http_active_connections", Type.GAUGE, "Open client connections, by listener");
        connections.forEach((listener, n) -> w.sample("haystack_http_active_connections", n.sum(), "listener", listener));
    }
}
