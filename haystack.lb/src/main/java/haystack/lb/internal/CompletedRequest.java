package haystack.lb.internal;

import java.net.InetAddress;

/** One finished request as metrics and the access log see it; {@code route} and {@code backend} may be null. */
record CompletedRequest(Route route, Backend backend, int status, long bodyBytes, long nanos, InetAddress client,
        String host, String method, String path) {
}
