package haystack.lb.internal.metrics;

import java.net.InetAddress;

import haystack.lb.internal.routing.Backend;
import haystack.lb.internal.routing.Route;

/** One finished request as metrics and the access log see it; {@code route} and {@code backend} may be null. */
public record CompletedRequest(Route route, Backend backend, int status, long bodyBytes, long nanos, InetAddress client,
        String host, String method, String path) {
}
