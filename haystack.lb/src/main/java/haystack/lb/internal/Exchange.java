package haystack.lb.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;

import haystack.api.trace.TraceEvent;
import haystack.lb.internal.http.HttpException;
import haystack.lb.internal.http.RequestHead;
import haystack.lb.internal.http.ResponseHead;

/**
 * One request through the load balancer, on its client's event loop: routes it, picks a
 * backend (again on a failure before any response byte, when the request can be sent
 * again), passes the request and the response through without copying bodies, and
 * answers itself with an {@link ErrorPage} when nothing else can. Bytes are moved only
 * as fast as the other side takes them, so memory stays at one buffer per connection.
 */
final class Exchange {

    private final ClientConnection client;
    private final ProxyContext ctx;
    private final EventLoop loop;
    private final long startNanos;
    private final String method;
    private final String host;
    private final boolean headRequest;
    private final boolean idempotent;
    private final boolean clientKeepAlive;
    private String path;
    private Route route;
    private Attempt attempt;

    private byte[] requestOut;
    private int requestOutSent;
    /** The whole request is in {@link #requestOut}: it can be sent again on another connection. */
    private boolean replayable;
    private BodyFlow requestFlow;
    private BackendConnection backend;
    private ResponseHead response;
    private BodyFlow responseFlow;
    private boolean tunnel;
    private boolean backendWriteBlocked;
    private boolean clientWriteBlocked;
    private boolean clientEof;
    private boolean finished;
    private int status;
    private long responseBytes;
    private long responseHeadBytes;

    Exchange(ClientConnection client, RequestHead head, long startNanos) {
        this.client = client;
        this.ctx = client.context;
        this.loop = client.loop;
        this.startNanos = startNanos;
        this.method = head.method();
        this.host = head.host();
        this.headRequest = head.isHead();
        this.idempotent = head.idempotent();
        this.clientKeepAlive = head.keepAlive();
        ctx.metrics.started();
        prepare(head);
    }

    // ---- accessors for metrics, the access log and tracing

    Route route() {
        return route;
    }

    Backend lastBackend() {
        return attempt == null ? null : attempt.last();
    }

    int status() {
        return status;
    }

    /** Body bytes sent to the client (heads not counted), as access logs report them. */
    long bodyBytesSent() {
        return Math.max(0, responseBytes - responseHeadBytes);
    }

    long nanos() {
        return System.nanoTime() - startNanos;
    }

    String host() {
        return host;
    }

    String method() {
        return method;
    }

    String path() {
        return path;
    }

    InetAddress clientAddress() {
        return client.remote().getAddress();
    }

    // ---- start

    /** Routing, framing and the head for the backend; reads the head while its bytes are still in place. */
    private String prepareFailure;
    private int prepareStatus;
    private boolean retryAfter;

    private void prepare(RequestHead head) {
        IoBuffer in = client.in;
        in.start += head.length();
        requestFlow = head.chunked() ? BodyFlow.chunked(400, 0) : BodyFlow.length(head.contentLength(), 0);
        int buffered;
        try {
            buffered = requestFlow.ready(in);
        } catch (HttpException e) {
            prepareStatus = e.status();
            prepareFailure = e.getMessage();
            return;
        }
        if (ctx.metrics.logsAccess() || ctx.tracer.isActive()) {
            path = head.path();
        }
        RoutingTable table = client.listener.table().get();
        Route r = host == null ? null : table.host(RoutingTable.normalHost(host));
        String target = null;
        if (r == null) {
            String requestPath = path != null ? path : head.path();
            RoutingTable.PathRoute byPath = table.path(requestPath);
            if (byPath != null) {
                r = byPath.route();
                target = stripPrefix(head.target(), byPath.prefix());
            }
        }
        route = r;
        if (r == null) {
            prepareStatus = 404;
            prepareFailure = "no service is routed for this host or path";
            return;
        }
        if (r.unavailable()) {
            prepareStatus = 503;
            retryAfter = true;
            prepareFailure = "no healthy endpoint for service " + r.service() + " (" + r.registered() + " registered)";
            return;
        }
        requestOut = head.forBackend(target, client.remote().getAddress().getHostAddress());
        if (requestFlow.ended()) {
            replayable = true;
            if (buffered > 0) {
                byte[] whole = new byte[requestOut.length + buffered];
                System.arraycopy(requestOut, 0, whole, 0, requestOut.length);
                System.arraycopy(in.a, in.start, whole, requestOut.length, buffered);
                requestOut = whole;
                in.start += buffered;
                requestFlow.written(buffered);
            }
        }
    }

    static String stripPrefix(String target, String prefix) {
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        String rest = target.substring(Math.min(p.length(), target.length()));
        return rest.startsWith("/") ? rest : "/" + rest;
    }

    void start() {
        if (prepareFailure != null) {
            fail(prepareStatus, prepareFailure, retryAfter);
            return;
        }
        attempt = new Attempt();
        connect();
        updateInterests();
    }

    private void connect() {
        while (true) {
            Backend b = ctx.chooser.choose(route, client.listener.table().get(), client.remote().getAddress(), attempt);
            if (b == null) {
                noBackend();
                return;
            }
            attempt.start(b);
            if (ctx.tracer.isActive()) {
                traceRoute(b);
            }
            BackendConnection c = b.takeIdle(loop);
            if (c == null) {
                try {
                    c = BackendConnection.open(loop, b, ctx.idleTimeoutMs);
                } catch (IOException e) {
                    attempt.release();
                    ctx.chooser.failed(attempt, b, "backend connection failed: " + e.getMessage(), false);
                    if (attempt.tries() > ctx.retries) {
                        failFromAttempt();
                        return;
                    }
                    continue;
                }
            }
            backend = c;
            c.attach(this);
            if (c.connected()) {
                send();
            } else {
                c.deadline = loop.now + ctx.connectTimeoutMs;
            }
            return;
        }
    }

    private void noBackend() {
        if (attempt.tries() == 0) {
            fail(503, attempt.failure(), true);
        } else {
            failFromAttempt();
        }
    }

    private void failFromAttempt() {
        fail(attempt.timedOut() ? 504 : 502, attempt.failure() != null ? attempt.failure() : "backend connection lost", false);
    }

    private void traceRoute(Backend b) {
        ctx.tracer.trace(TraceEvent.ROUTE, "route client=" + client.remote().getAddress().getHostAddress() + " host=" + host
                + " path=" + (path == null ? "-" : path) + " service=" + route.service() + " strategy=" + ctx.chooser.strategyName(route)
                + " container=" + b.endpoint().containerName() + " endpoint=" + b.authority());
    }

    // ---- request: client to backend

    private void send() {
        requestOutSent = 0;
        progress();
        pumpRequest();
    }

    private void pumpRequest() {
        BackendConnection c = backend;
        if (requestOut != null && requestOutSent < requestOut.length) {
            int n;
            try {
                n = c.channel.write(ByteBuffer.wrap(requestOut, requestOutSent, requestOut.length - requestOutSent));
            } catch (IOException e) {
                backendFailed("backend connection lost: " + e.getMessage());
                return;
            }
            requestOutSent += n;
            if (requestOutSent < requestOut.length) {
                backendWriteBlocked = true;
                return;
            }
        }
        IoBuffer in = client.in;
        while (!requestFlow.complete() && in != null) {
            int ready;
            try {
                ready = requestFlow.ready(in);
            } catch (HttpException e) {
                requestBroken(e);
                return;
            }
            if (ready == 0) {
                break;
            }
            int n;
            try {
                n = in.writeTo(c.channel, in.start + ready);
            } catch (IOException e) {
                backendFailed("backend connection lost: " + e.getMessage());
                return;
            }
            requestFlow.written(n);
            progress();
            if (n < ready) {
                backendWriteBlocked = true;
                return;
            }
        }
        backendWriteBlocked = false;
    }

    private boolean requestSent() {
        return requestFlow.complete() && (requestOut == null || requestOutSent == requestOut.length);
    }

    private void requestBroken(HttpException e) {
        if (responseBytes == 0) {
            fail(e.status(), e.getMessage(), false);
        } else {
            abort(e.getMessage());
        }
    }

    // ---- response: backend to client

    private void processResponse() {
        IoBuffer in = backend.in;
        while (true) {
            if (response == null) {
                ResponseHead r;
                try {
                    r = ResponseHead.parse(in.a, in.start, in.end, in.a.length, headRequest);
                } catch (HttpException e) {
                    backendBroken(e.getMessage());
                    return;
                }
                if (r == null) {
                    return;
                }
                response = r;
                status = r.status();
                responseHeadBytes += r.length();
                responseFlow = flowOf(r);
                if (r.status() == 101) {
                    tunnel = true;
                    requestFlow = BodyFlow.untilClose(0);
                }
            }
            int ready;
            try {
                ready = responseFlow.ready(in);
            } catch (HttpException e) {
                abort(e.getMessage());
                return;
            }
            if (holdBack(in)) {
                return;
            }
            if (ready > 0) {
                int n;
                try {
                    n = in.writeTo(client.channel, in.start + ready);
                } catch (IOException e) {
                    clientFailed(e);
                    return;
                }
                responseFlow.written(n);
                responseBytes += n;
                if (n < ready) {
                    clientWriteBlocked = true;
                    return;
                }
            }
            clientWriteBlocked = false;
            if (!responseFlow.complete()) {
                if (tunnel && !backendWriteBlocked) {
                    pumpRequest(); // what the client sent right after its upgrade request
                }
                return;
            }
            if (!response.interim()) {
                responseComplete(false);
                return;
            }
            response = null; // 100 Continue passed on; the final response follows
        }
    }

    /**
     * Whether to wait for the rest of a small response before passing any of it on: one
     * whose whole length fits the buffer goes out in one write, and if the backend dies
     * before its end the client has seen nothing and the request can go to another
     * endpoint (a container killed mid-response fails no GET). Streams and large bodies
     * are passed on as they come.
     */
    private boolean holdBack(IoBuffer in) {
        return responseBytes == 0 && !tunnel && !response.interim() && response.framing() == ResponseHead.Framing.LENGTH
                && !responseFlow.ended() && response.length() + response.contentLength() <= in.a.length;
    }

    private static BodyFlow flowOf(ResponseHead r) {
        return switch (r.status() == 101 ? ResponseHead.Framing.UNTIL_CLOSE : r.framing()) {
            case NONE -> BodyFlow.length(0, r.length());
            case LENGTH -> BodyFlow.length(r.contentLength(), r.length());
            case CHUNKED -> BodyFlow.chunked(502, r.length());
            case UNTIL_CLOSE -> BodyFlow.untilClose(r.length());
        };
    }

    /** The response is all written; {@code backendClosed} when its end was the backend closing. */
    private void responseComplete(boolean backendClosed) {
        BackendConnection c = backend;
        backend = null;
        c.backend.succeeded();
        boolean reuse = !backendClosed && response.reusable() && requestSent() && c.in.isEmpty();
        if (reuse) {
            c.park();
        } else {
            c.discard();
        }
        finish(clientKeepAlive && requestFlow.complete() && !responseFlow.untilClose());
    }

    // ---- events from the connections

    void backendConnected(BackendConnection c) {
        send();
        updateInterests();
    }

    void backendConnectFailed(BackendConnection c, String why, boolean timedOut) {
        retryOrFail(why, true, timedOut);
        updateInterests();
    }

    void backendWritable(BackendConnection c) {
        pumpRequest();
        updateInterests();
    }

    void backendReadable(BackendConnection c) {
        int n;
        try {
            n = c.in.readFrom(c.channel);
        } catch (IOException e) {
            backendFailed("backend connection lost: " + e.getMessage());
            updateInterests();
            return;
        }
        if (n < 0) {
            backendFailed("backend closed the connection");
        } else if (n > 0) {
            progress();
            processResponse();
        }
        updateInterests();
    }

    void backendTimedOut(BackendConnection c) {
        if (!c.connected()) {
            retryOrFail("backend connect timed out", true, true);
        } else if (responseBytes == 0) {
            backend = null;
            c.discard();
            ctx.chooser.failed(attempt, attempt.release(), "backend timed out: no response within " + ctx.idleTimeoutMs + " ms", true);
            fail(504, attempt.failure(), false);
        } else {
            abort("no data for " + ctx.idleTimeoutMs + " ms");
        }
        updateInterests();
    }

    /** The backend connection was closed by someone else (the loop stopping). */
    void backendClosedByLoop(BackendConnection c) {
        if (backend == c) {
            backend = null;
            abort("backend connection closed");
        }
    }

    /** The backend connection ended or failed while this exchange held it. */
    private void backendFailed(String why) {
        if (tunnel) {
            abort(null);
        } else if (response != null && responseFlow.untilClose() && response.status() != 101) {
            // a body delimited by the connection's end: that was it
            responseComplete(true);
        } else if (responseBytes > 0) {
            abort(why + " during the response");
        } else {
            retryOrFail(why, false, false);
        }
    }

    private void backendBroken(String why) {
        BackendConnection c = backend;
        backend = null;
        c.discard();
        ctx.chooser.failed(attempt, attempt.release(), why, false);
        if (responseBytes == 0) {
            failFromAttempt();
        } else {
            abort(why);
        }
    }

    /**
     * A try failed before any response byte. Tries again when nothing was sent, or the
     * whole request can be sent again and it was either a kept-alive connection the
     * backend closed as the request went out, or an idempotent request.
     */
    private void retryOrFail(String why, boolean connecting, boolean timedOut) {
        BackendConnection c = backend;
        backend = null;
        boolean closeRace = !connecting && c != null && c.reused() && (c.in == null || c.in.isEmpty());
        if (c != null) {
            c.discard();
        }
        Backend lost = attempt.release();
        if (closeRace) {
            attempt.failed(why + " (" + lost.endpoint().containerName() + " " + lost.authority() + ")", false);
        } else {
            ctx.chooser.failed(attempt, lost, why, timedOut);
        }
        boolean resendable = connecting || (replayable && (closeRace || idempotent));
        if (resendable && attempt.tries() <= ctx.retries && !client.isClosed()) {
            response = null;
            responseFlow = null;
            responseHeadBytes = 0;
            status = 0;
            backendWriteBlocked = false;
            connect();
        } else {
            failFromAttempt();
        }
    }

    void clientData() {
        if (backend != null && backend.connected() && !backendWriteBlocked) {
            pumpRequest();
        }
        updateInterests();
    }

    void clientWritable() {
        if (backend != null && response != null) {
            processResponse();
        }
        updateInterests();
    }

    /** The client sent its last byte: fine once the request is complete (it may still read). */
    void clientEnded() {
        clientEof = true;
        if (tunnel || !requestFlow.ended()) {
            abort(null);
        } else {
            updateInterests();
        }
    }

    /** The client connection is gone: the request ends here. */
    void clientGone(String why) {
        if (finished) {
            return;
        }
        finished = true;
        if (backend != null) {
            BackendConnection c = backend;
            backend = null;
            c.discard();
        }
        if (attempt != null) {
            attempt.release();
        }
        if (status == 0 || responseBytes == 0) {
            status = 499;
        }
        ctx.metrics.completed(this);
    }

    private void clientFailed(IOException e) {
        clientGone("client connection failed: " + e.getMessage());
        client.close();
    }

    // ---- endings

    /** Answers with an error page (nothing of a response was sent yet). */
    private void fail(int failStatus, String reason, boolean withRetryAfter) {
        if (backend != null) {
            BackendConnection c = backend;
            backend = null;
            c.discard();
        }
        boolean bodyRead = skipBufferedBody();
        boolean keepAlive = clientKeepAlive && bodyRead && !clientEof;
        status = failStatus;
        byte[] page = ErrorPage.bytes(failStatus, host, reason, withRetryAfter, !keepAlive, headRequest);
        responseBytes = page.length;
        responseHeadBytes = ErrorPage.headLength(page);
        client.send(page);
        finish(keepAlive);
    }

    /** Whether the request body has been read to its end (skipping what is buffered of it). */
    private boolean skipBufferedBody() {
        if (requestFlow == null || requestFlow.complete()) {
            return true;
        }
        if (!requestFlow.ended() || requestFlow.untilClose()) {
            return false;
        }
        try {
            int ready = requestFlow.ready(client.in);
            client.in.start += ready;
            requestFlow.written(ready);
        } catch (HttpException e) {
            return false;
        }
        return requestFlow.complete();
    }

    /** Ends the exchange and both connections (a response was under way, or a tunnel ended). */
    private void abort(String why) {
        if (backend != null) {
            BackendConnection c = backend;
            backend = null;
            c.discard();
        }
        if (status == 0) {
            status = 502;
        }
        if (why != null && ctx.metrics.logsAccess()) {
            org.slf4j.LoggerFactory.getLogger(Exchange.class).info("request aborted host={} service={} reason={}", host,
                    route == null ? "-" : route.service(), why);
        }
        finish(false);
    }

    private void finish(boolean keepAlive) {
        if (finished) {
            return;
        }
        finished = true;
        if (attempt != null) {
            attempt.release();
        }
        ctx.metrics.completed(this);
        client.exchangeDone(keepAlive);
    }

    // ---- flow control

    private void progress() {
        if (backend != null) {
            backend.deadline = loop.now + ctx.idleTimeoutMs;
        }
    }

    boolean wantsClientRead() {
        return !backendWriteBlocked && !clientEof;
    }

    boolean wantsClientWrite() {
        return clientWriteBlocked;
    }

    private void updateInterests() {
        if (finished) {
            return;
        }
        if (backend != null) {
            backend.interest(!clientWriteBlocked && !backend.in.full(), backendWriteBlocked);
        }
        client.updateInterest();
    }
}
