package haystack.lb.internal;

import java.nio.charset.StandardCharsets;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

/**
 * Gives every error the load balancer makes itself a short text body naming the host
 * and the reason, and turns the proxy's generic 503 after a backend failure into 502
 * (failed) or 504 (timed out). Responses from backends pass untouched.
 */
final class ErrorPageHandler implements HttpHandler {

    private static final AttachmentKey<String> REASON = AttachmentKey.create(String.class);

    private final HttpHandler next;

    ErrorPageHandler(HttpHandler next) {
        this.next = next;
    }

    /** Ends the exchange with {@code status}; the body says {@code reason}. */
    static void fail(HttpServerExchange exchange, int status, String reason) {
        exchange.putAttachment(REASON, reason);
        exchange.setStatusCode(status);
        exchange.endExchange();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.addDefaultResponseListener(ErrorPageHandler::writeErrorPage);
        next.handleRequest(exchange);
    }

    private static boolean writeErrorPage(HttpServerExchange exchange) {
        if (!exchange.isResponseChannelAvailable() || exchange.getStatusCode() < 400) {
            return false;
        }
        String reason = exchange.getAttachment(REASON);
        Attempt attempt = exchange.getAttachment(Attempt.KEY);
        if (reason == null && attempt != null && exchange.getStatusCode() == StatusCodes.SERVICE_UNAVAILABLE) {
            // The proxy gave up. With a backend tried, that backend failed (502) or timed out (504).
            if (attempt.tries() > 0) {
                exchange.setStatusCode(attempt.timedOut() ? StatusCodes.GATEWAY_TIME_OUT : StatusCodes.BAD_GATEWAY);
                reason = attempt.failure() != null ? attempt.failure() : "backend connection lost";
            } else {
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RoutingHandler.RETRY_AFTER_SECONDS);
                reason = attempt.failure();
            }
        } else if (reason == null && exchange.getStatusCode() == StatusCodes.GATEWAY_TIME_OUT) {
            reason = "backend timed out";
        }
        if (reason == null) {
            reason = StatusCodes.getReason(exchange.getStatusCode()).toLowerCase(java.util.Locale.ROOT);
        }
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        String body = exchange.getStatusCode() + " " + StatusCodes.getReason(exchange.getStatusCode())
                + "\nhost: " + (host == null ? "(none)" : host) + "\nreason: " + reason + "\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
        exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(bytes));
        return true;
    }
}
