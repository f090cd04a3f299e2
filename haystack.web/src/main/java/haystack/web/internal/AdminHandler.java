package haystack.web.internal;

import java.util.Deque;
import java.util.Map;

import haystack.api.discovery.SourceStatus;
import haystack.api.metrics.MetricsSource;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.osgi.framework.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes the admin port: /api/*, /metrics and the dashboard's files. GET (and HEAD) only. */
final class AdminHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    static final String JSON = "application/json; charset=utf-8";

    private final AdminView view;
    private final StaticFiles files;
    private final DashboardState state;
    private final EventStream stream;
    private final HttpHandler events;
    private final TrafficSamples samples;

    AdminHandler(AdminView view, StaticFiles files, DashboardState state, EventStream events, TrafficSamples samples) {
        this.view = view;
        this.files = files;
        this.state = state;
        this.stream = events;
        this.events = events.handler();
        this.samples = samples;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            error(exchange, StatusCodes.METHOD_NOT_ALLOWED, "method " + exchange.getRequestMethod() + " not allowed; use GET");
            return;
        }
        String path = exchange.getRelativePath();
        try {
            switch (path) {
                case "/api/services" -> json(exchange, Api.services(view.snapshot(), view.strategies()));
                case "/api/endpoints" -> endpoints(exchange);
                case "/api/containers" -> json(exchange, Api.containers(view.snapshot()));
                case "/api/networks" -> json(exchange, Api.networks(view.snapshot()));
                case "/api/strategies" -> json(exchange, Api.strategies(view.strategies()));
                case "/api/info" -> json(exchange, info());
                case "/api/changes" -> changes(exchange);
                case "/api/stats" -> json(exchange, stats());
                case "/api/events" -> events.handleRequest(exchange);
                case "/api/state" -> json(exchange, state.full());
                case "/api/samples" -> json(exchange, samples());
                case "/metrics" -> send(exchange, PrometheusText.CONTENT_TYPE, metrics());
                default -> {
                    if (path.startsWith("/api/")) {
                        error(exchange, StatusCodes.NOT_FOUND, "no such API: " + path);
                    } else if (!files.serve(exchange, path)) {
                        error(exchange, StatusCodes.NOT_FOUND, "not found: " + path);
                    }
                }
            }
        } catch (BadRequest e) {
            error(exchange, StatusCodes.BAD_REQUEST, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("admin request failed path={} error={}", path, e.toString());
            error(exchange, StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private void endpoints(HttpServerExchange exchange) {
        String service = param(exchange, "service");
        if (service != null && service.isBlank()) {
            throw new BadRequest("service is empty; give a service name such as ?service=nginx or leave it out");
        }
        json(exchange, Api.endpoints(view.snapshot(), service));
    }

    private void changes(HttpServerExchange exchange) {
        String since = param(exchange, "since");
        long from;
        try {
            from = since == null ? 0 : Long.parseLong(since);
        } catch (NumberFormatException e) {
            throw new BadRequest("since '" + since + "' is not a number; give the last seq seen, or 0");
        }
        Json j = new Json().object().name("changes").array();
        for (ChangeFeed.Entry c : view.changes().since(from)) {
            j.object().field("seq", c.seq()).field("time", c.time()).field("kind", c.kind()).field("service", c.service())
                    .field("container", c.container()).field("endpoint", c.endpoint()).field("health", c.health())
                    .field("draining", c.draining()).end();
        }
        json(exchange, j.end().end().toString());
    }

    private String info() {
        long now = System.currentTimeMillis();
        Json j = new Json().object().field("version", view.version()).field("origin", view.origin())
                .field("started", view.startedMillis()).field("uptimeSeconds", (now - view.startedMillis()) / 1000)
                .field("registryVersion", view.snapshot().version()).field("ready", view.snapshot().ready());
        j.name("bundles").array();
        for (Bundle b : view.bundles()) {
            j.object().field("id", b.getBundleId()).field("name", b.getSymbolicName()).field("version", b.getVersion().toString())
                    .field("state", state(b.getState())).end();
        }
        j.end().name("docker").array();
        for (SourceStatus s : view.sourceStatuses()) {
            for (SourceStatus.Host h : s.hosts()) {
                j.object().field("kind", s.kind()).field("host", h.host()).field("connected", h.connected()).end();
            }
        }
        return j.end().end().toString();
    }

    private String stats() {
        Stats stats = new Stats();
        collect(stats);
        Json j = new Json().object().field("time", System.currentTimeMillis()).field("requests", stats.requests)
                .field("dnsQueries", stats.dnsQueries).name("requestsByService").object();
        stats.requestsByService.forEach(j::field);
        return j.end().end().toString();
    }

    /** Every charted service's samples: [time ms, requests/s, 5xx/s, p50 ms, p99 ms], oldest first. */
    private String samples() {
        Json j = new Json().object().field("capped", samples.capped()).name("services").object();
        samples.all().forEach((service, list) -> {
            j.name(service).array();
            list.forEach(s -> j.raw(LiveSampler.sampleJson(s)));
            j.end();
        });
        return j.end().end().toString();
    }

    private String metrics() {
        PrometheusText text = new PrometheusText();
        RegistryMetrics.collect(view.snapshot(), text);
        text.family("haystack_docker_connected", haystack.api.metrics.MetricsWriter.Type.GAUGE, "Whether Haystack is connected to the Docker host");
        for (SourceStatus s : view.sourceStatuses()) {
            for (SourceStatus.Host h : s.hosts()) {
                text.sample("haystack_docker_connected", h.connected() ? 1 : 0, "host", h.host());
            }
        }
        text.family("haystack_ready", haystack.api.metrics.MetricsWriter.Type.GAUGE, "Whether every discovery source has been read since start (GET /ready)");
        text.sample("haystack_ready", view.snapshot().ready() ? 1 : 0);
        text.family("haystack_uptime_seconds", haystack.api.metrics.MetricsWriter.Type.GAUGE, "Seconds since the admin bundle started");
        text.sample("haystack_uptime_seconds", (System.currentTimeMillis() - view.startedMillis()) / 1000.0);
        text.family("haystack_admin_event_clients", haystack.api.metrics.MetricsWriter.Type.GAUGE, "Dashboards following /api/events now");
        text.sample("haystack_admin_event_clients", stream.clients());
        text.family("haystack_admin_event_clients_dropped_total", haystack.api.metrics.MetricsWriter.Type.COUNTER,
                "Event streams closed because the client read too slowly");
        text.sample("haystack_admin_event_clients_dropped_total", stream.dropped());
        collect(text);
        return text.text();
    }

    private void collect(haystack.api.metrics.MetricsWriter writer) {
        for (MetricsSource source : view.metricsSources()) {
            try {
                source.collect(writer);
            } catch (RuntimeException e) {
                LOG.warn("metrics source failed source={} error={}", source.getClass().getName(), e.toString());
            }
        }
    }

    static String state(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "active";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.INSTALLED -> "installed";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            default -> "uninstalled";
        };
    }

    private static String param(HttpServerExchange exchange, String name) {
        Map<String, Deque<String>> params = exchange.getQueryParameters();
        Deque<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static void json(HttpServerExchange exchange, String body) {
        send(exchange, JSON, body);
    }

    private static void send(HttpServerExchange exchange, String type, String body) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(body);
    }

    static void error(HttpServerExchange exchange, int status, String message) {
        exchange.setStatusCode(status);
        json(exchange, new Json().object().field("error", message).field("status", status).end().toString());
    }

    /** The request's parameters are wrong: answered 400 with the message. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
