package haystack.web.internal;

import java.util.function.BooleanSupplier;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;

/**
 * {@code GET /ready}: 200 {@code ready} once the registry has seen every discovery source,
 * 503 {@code starting} before (SPEC §4). In front of basic auth: orchestrators' probes
 * carry no credentials, and the answer tells nothing but that one bit. Other paths go on
 * to {@code next}.
 */
final class ReadinessHandler implements HttpHandler {

    static final String PATH = "/ready";

    private final BooleanSupplier ready;
    private final HttpHandler next;

    ReadinessHandler(BooleanSupplier ready, HttpHandler next) {
        this.ready = ready;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!PATH.equals(exchange.getRelativePath())) {
            next.handleRequest(exchange);
            return;
        }
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            AdminHandler.error(exchange, StatusCodes.METHOD_NOT_ALLOWED, "method " + exchange.getRequestMethod() + " not allowed; use GET");
            return;
        }
        boolean isReady = ready.getAsBoolean();
        exchange.setStatusCode(isReady ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        if (!isReady) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
        }
        exchange.getResponseSender().send(isReady ? "ready\n" : "starting\n");
    }
}
