package haystack.lb.internal;

import java.util.function.Supplier;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

/**
 * Finds the service of a request: by Host (case-insensitive, port ignored), else by the
 * longest path prefix, which is then stripped. Unknown → 404; a service with no endpoint
 * taking traffic → 503 with Retry-After. Reads the current table once, never locks.
 */
final class RoutingHandler implements HttpHandler {

    static final AttachmentKey<Route> ROUTE = AttachmentKey.create(Route.class);
    /** Seconds a client should wait before retrying a service that has no endpoint now. */
    static final String RETRY_AFTER_SECONDS = "5";

    private final Supplier<RoutingTable> table;
    private final HttpHandler next;

    RoutingHandler(Supplier<RoutingTable> table, HttpHandler next) {
        this.table = table;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        RoutingTable routes = table.get();
        String hostHeader = exchange.getRequestHeaders().getFirst(Headers.HOST);
        String host = hostHeader == null ? "" : RoutingTable.normalHost(hostHeader);
        Route route = routes.host(host);
        if (route == null) {
            RoutingTable.PathRoute byPath = routes.path(exchange.getRequestPath());
            if (byPath != null) {
                route = byPath.route();
                String prefix = byPath.prefix().endsWith("/") ? byPath.prefix().substring(0, byPath.prefix().length() - 1) : byPath.prefix();
                exchange.setResolvedPath(prefix);
                exchange.setRelativePath(exchange.getRequestPath().substring(prefix.length()));
            }
        }
        if (route == null) {
            ErrorPageHandler.fail(exchange, StatusCodes.NOT_FOUND, "no service is routed for this host or path");
            return;
        }
        if (route.unavailable()) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            ErrorPageHandler.fail(exchange, StatusCodes.SERVICE_UNAVAILABLE,
                    "no healthy endpoint for service " + route.service() + " (" + route.registered() + " registered)");
            return;
        }
        exchange.putAttachment(ROUTE, route);
        next.handleRequest(exchange);
    }
}
