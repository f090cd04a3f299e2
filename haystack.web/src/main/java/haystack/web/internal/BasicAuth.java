package haystack.web.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

/**
 * HTTP basic auth (RFC 7617) in front of every path when a user and password are set:
 * anything else gets 401 with a challenge. The expected credentials are compared in
 * constant time and never written anywhere.
 */
final class BasicAuth implements HttpHandler {

    static final String CHALLENGE = "Basic realm=\"Haystack\", charset=\"UTF-8\"";

    private final byte[] expected;
    private final HttpHandler next;

    BasicAuth(String user, String password, HttpHandler next) {
        if (user.contains(":")) {
            throw new IllegalArgumentException("haystack.web user (HAYSTACK_ADMIN_USER) must not contain ':'");
        }
        this.expected = ("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII);
        this.next = next;
    }

    /** {@code next} behind auth when both are set, {@code next} alone when neither; one without the other is refused. */
    static HttpHandler wrap(String user, String password, HttpHandler next) {
        boolean hasUser = user != null && !user.isEmpty();
        boolean hasPassword = password != null && !password.isEmpty();
        if (hasUser != hasPassword) {
            throw new IllegalArgumentException("haystack.web: HAYSTACK_ADMIN_USER and HAYSTACK_ADMIN_PASSWORD must be set together (only "
                    + (hasUser ? "the user" : "the password") + " is set)");
        }
        return hasUser ? new BasicAuth(user, password, next) : next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String given = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (given != null && MessageDigest.isEqual(expected, given.trim().getBytes(StandardCharsets.UTF_8))) {
            next.handleRequest(exchange);
            return;
        }
        exchange.setStatusCode(StatusCodes.UNAUTHORIZED);
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, CHALLENGE);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send("authentication required\n");
    }
}
