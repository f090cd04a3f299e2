package haystack.lb.internal.proxy;

import haystack.lb.internal.codec.HttpException;
import haystack.lb.internal.codec.RequestHead;
import haystack.lb.internal.io.IoBuffer;
import haystack.lb.internal.routing.Route;
import haystack.lb.internal.routing.RoutingTable;

/**
 * What the load balancer makes of one request head, read while its bytes are still in
 * place: the route, the bytes for the backend (with the whole body when it has arrived,
 * so the request can be sent again) and how the body is framed; or the status and reason
 * to answer with instead. It only reads the client's buffer: {@link #consumed} says how
 * many bytes at its start the plan has taken (the head, and a body already whole).
 */
final class RequestPlan {

    final Route route;
    /** The request path, kept only when the access log or a trace will name it. */
    final String path;
    final BodyFlow body;
    /** Bytes of the client's buffer this plan has taken: its head, and its body when {@link #out} carries it. */
    final int consumed;
    final byte[] out;
    final boolean replayable;
    final int failStatus;
    final String failReason;
    /** A response the load balancer makes itself instead of routing (ACME challenge, HTTPS redirect), or null. */
    HttpsEdge.Answer answer;

    private RequestPlan(Route route, String path, BodyFlow body, int consumed, byte[] out, boolean replayable, int failStatus, String failReason) {
        this.route = route;
        this.path = path;
        this.body = body;
        this.consumed = consumed;
        this.out = out;
        this.replayable = replayable;
        this.failStatus = failStatus;
        this.failReason = failReason;
    }

    static RequestPlan of(RequestHead head, ClientConnection client, boolean keepPath) {
        IoBuffer in = client.in;
        int bodyStart = in.start + head.length();
        BodyFlow body = head.chunked() ? BodyFlow.chunked(400, 0) : BodyFlow.length(head.contentLength(), 0);
        int buffered;
        try {
            buffered = body.ready(in.a, bodyStart, in.end);
        } catch (HttpException e) {
            return failed(null, null, body, head.length(), e.status(), e.getMessage());
        }
        String path = keepPath ? head.path() : null;
        if (head.passedThrough(client.context.pseudonym)) {
            return failed(null, path, body, head.length(), 508, "the request has been through this proxy already (Via " + client.context.pseudonymText() + ")");
        }
        HttpsEdge edge = client.listener.edge();
        HttpsEdge.Answer challenge = edge == null || !head.targetStartsWith(HttpsEdge.CHALLENGE_PREFIX_BYTES) ? null : edge.challenge(head.path());
        if (challenge != null) {
            return answered(path, body, head.length(), challenge);
        }
        RoutingTable table = client.listener.table().get();
        Route route = head.host() == null ? null : table.host(RoutingTable.normalHost(head.host()));
        String target = null;
        if (route == null) {
            RoutingTable.PathRoute byPath = table.path(path != null ? path : head.path());
            if (byPath != null) {
                route = byPath.route();
                target = stripPrefix(head.target(), byPath.prefix());
            }
        }
        if (route == null && !table.ready()) {
            return failed(null, path, body, head.length(), 503, StartingAnswer.REASON);
        }
        if (route == null) {
            return failed(null, path, body, head.length(), 404, "no service is routed for this host or path");
        }
        if (route.unavailable()) {
            return failed(route, path, body, head.length(), 503, "no healthy endpoint for service " + route.service() + " (" + route.registered() + " registered)");
        }
        if (edge != null && route.httpsRedirect() && head.host() != null) {
            return answered(path, body, head.length(), edge.redirect(head.host(), head.target()));
        }
        byte[] out = head.forBackend(target, client.remoteAddressBytes(), client.context.pseudonym, client.listener.tls() != null);
        int consumed = head.length();
        if (body.ended() && buffered > 0) {
            byte[] whole = new byte[out.length + buffered];
            System.arraycopy(out, 0, whole, 0, out.length);
            System.arraycopy(in.a, bodyStart, whole, out.length, buffered);
            out = whole;
            consumed += buffered;
            body.written(buffered);
        }
        return new RequestPlan(route, path, body, consumed, out, body.ended(), 0, null);
    }

    private static RequestPlan answered(String path, BodyFlow body, int consumed, HttpsEdge.Answer answer) {
        RequestPlan plan = new RequestPlan(null, path, body, consumed, null, false, 0, null);
        plan.answer = answer;
        return plan;
    }

    private static RequestPlan failed(Route route, String path, BodyFlow body, int consumed, int status, String reason) {
        return new RequestPlan(route, path, body, consumed, null, false, status, reason);
    }

    /** The target with a routed path prefix taken off; never empty. */
    static String stripPrefix(String target, String prefix) {
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        String rest = target.substring(Math.min(p.length(), target.length()));
        return rest.startsWith("/") ? rest : "/" + rest;
    }
}
