package haystack.lb.internal.proxy;

import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import haystack.api.tls.HttpChallenges;
import haystack.lb.internal.routing.RoutingTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the plain HTTP listener answers itself for HTTPS (SPEC §5b): ACME HTTP-01
 * challenges ({@code /.well-known/acme-challenge/<token>}, RFC 8555 §8.3) on any host,
 * before routing, from the {@link HttpChallenges} services; and a 308 to HTTPS for
 * services labelled {@code haystack.tls.redirect=true}. A token no service knows is routed
 * as usual (a backend may answer its own challenges).
 */
public record HttpsEdge(Supplier<List<HttpChallenges>> challenges, IntSupplier httpsPort) {

    static final String CHALLENGE_PREFIX = "/.well-known/acme-challenge/";
    static final byte[] CHALLENGE_PREFIX_BYTES = CHALLENGE_PREFIX.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final Logger LOG = LoggerFactory.getLogger(HttpsEdge.class);

    /** A response the load balancer makes itself. */
    record Answer(int status, String fields, String body) {

        byte[] bytes(boolean close, boolean headRequest) {
            return ErrorPage.response(status, fields, body, close, headRequest);
        }
    }

    /** The key authorization for a challenge path, or null when it is not one or no service knows the token. */
    Answer challenge(String path) {
        if (!path.startsWith(CHALLENGE_PREFIX)) {
            return null;
        }
        String token = path.substring(CHALLENGE_PREFIX.length());
        if (token.isEmpty() || token.length() > 256 || !token.chars().allMatch(HttpsEdge::base64url)) {
            return null;
        }
        for (HttpChallenges c : challenges.get()) {
            try {
                Optional<String> answer = c.keyAuthorization(token);
                if (answer != null && answer.isPresent()) {
                    return new Answer(200, "", answer.get());
                }
            } catch (RuntimeException e) {
                LOG.warn("challenge service failed service={} error={}", c.getClass().getName(), e.toString());
            }
        }
        return null;
    }

    /** The 308 to the same host and target over HTTPS (the HTTPS port named unless 443). */
    Answer redirect(String host, String target) {
        String h = RoutingTable.normalHost(host);
        int port = httpsPort.getAsInt();
        String location = "https://" + h + (port == 443 ? "" : ":" + port) + target;
        return new Answer(308, "Location: " + location + "\r\n", "308 Permanent Redirect\nlocation: " + location + "\n");
    }

    /** RFC 4648 §5 characters, the only ones an ACME token has (RFC 8555 §8.1). */
    private static boolean base64url(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
