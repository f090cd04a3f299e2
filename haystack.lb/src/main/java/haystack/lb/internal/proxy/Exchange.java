package haystack.lb.internal.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;

import haystack.api.trace.TraceEvent;
import haystack.lb.internal.codec.Framing;
import haystack.lb.internal.codec.HttpException;
import haystack.lb.internal.codec.RequestHead;
import haystack.lb.internal.codec.ResponseHead;
import haystack.lb.internal.io.EventLoop;
import haystack.lb.internal.io.IoBuffer;
import haystack.lb.internal.metrics.CompletedRequest;
import haystack.lb.internal.routing.Attempt;
import haystack.lb.internal.routing.Backend;
import haystack.lb.internal.routing.BackendChooser;
import haystack.lb.internal.routing.ServicePool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request through the load balancer, on its client's event loop: routes it, picks a
 * backend (again on a failure before any response byte, when the request can be sent
 * again), passes the request and the response through without copying bodies, and
 * answers itself with an {@link ErrorPage} when nothing else can. Bytes are moved only
 * as fast as the other side takes them, so memory stays at one buffer per connection.
 */
final class Exchange {

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    private final ClientConnection client;
    private final ProxyContext ctx;
    private final EventLoop loop;
    private final long startNanos;
    private final String method;
    private final String host;
    private final boolean headRequest;
    private final boolean idempotent;
    private final boolean clientKeepAlive;
    private final boolean clientHttp10;
    private final boolean upgradeRequest;
    private final RequestPlan plan;
    private Attempt attempt;

    private int requestOutSent;
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
        this.clientHttp10 = head.http10();
        this.upgradeRequest = head.upgrade();
        ctx.metrics.started();
        this.plan = RequestPlan.of(head, client, ctx.metrics.logsAccess() || ctx.tracer.isActive());
        client.in.start += plan.consumed;
        this.requestFlow = plan.body;
    }

    void start() {
        if (plan.answer != null) {
            answer(plan.answer);
            return;
        }
        if (plan.failReason != null) {
            fail(plan.failStatus, plan.failReason, plan.failStatus != 503 ? null
                    : plan.route == null ? StartingAnswer.RETRY_AFTER_SECONDS : ErrorPage.RETRY_AFTER_SECONDS);
            return;
        }
        attempt = new Attempt();
        connect();
        updateInterests();
    }

    private void connect() {
        while (true) {
            ServicePool pool = BackendChooser.poolOf(plan.route, client.listener.table().get());
            Backend b = ctx.chooser.choose(plan.route, pool, client.remote().getAddress(), attempt);
            if (b == null) {
                noBackend();
                return;
            }
            attempt.start(b, pool);
            if (ctx.tracer.isActive()) {
                traceRoute(b);
            }
            // after a close race on this endpoint its other kept connections may be stale too
            BackendConnection c = attempt.freshOnly() ? null : BackendConnections.of(b).take(loop);
            if (c == null) {
                try {
                    c = BackendConnection.open(loop, b, ctx.idleTimeoutMs);
                } catch (IOException e) {
                    attempt.release();
                    ctx.chooser.failed(attempt, b, "backend connection failed: " + e.getMessage(), false);
                    if (!ctx.retry.allows(attempt.tries(), false, plan.replayable, idempotent)) {
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
                + " path=" + (plan.path == null ? "-" : plan.path) + " service=" + plan.route.service() + " strategy=" + ctx.chooser.strategyName(plan.route)
                + " container=" + b.endpoint().containerName() + " endpoint=" + b.authority());
    }

    /** The answers Haystack gives itself (404 no route, 503 none healthy, 502, 504) with the host asked. */
    private void traceFailure(int failStatus, String reason) {
        ctx.tracer.trace(TraceEvent.ROUTE, "route client=" + client.remote().getAddress().getHostAddress() + " host=" + (host == null ? "-" : host)
                + " path=" + (plan.path == null ? "-" : plan.path) + " service=" + (plan.route == null ? "-" : plan.route.service())
                + " status=" + failStatus + " reason=" + (reason == null ? "-" : reason));
    }

    private void send() {
        requestOutSent = 0;
        progress();
        pumpRequest();
    }

    private void pumpRequest() {
        BackendConnection c = backend;
        if (plan.out != null && requestOutSent < plan.out.length) {
            int n;
            try {
                n = c.channel.write(ByteBuffer.wrap(plan.out, requestOutSent, plan.out.length - requestOutSent));
            } catch (IOException e) {
                backendFailed("backend connection lost: " + e.getMessage());
                return;
            }
            requestOutSent += n;
            if (requestOutSent < plan.out.length) {
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
        return requestFlow.complete() && (plan.out == null || requestOutSent == plan.out.length);
    }

    private void requestBroken(HttpException e) {
        if (responseBytes == 0) {
            fail(e.status(), e.getMessage(), false);
        } else {
            abort(e.getMessage());
        }
    }

    private void processResponse() {
        IoBuffer in = backend.buffer();
        while (true) {
            if (response == null) {
                ResponseHead r;
                try {
                    r = ResponseHead.parse(in.a, in.start, in.end, in.a.length, headRequest, upgradeRequest, client.local.responseFields);
                } catch (HttpException e) {
                    backendBroken(e.getMessage());
                    return;
                }
                if (r == null) {
                    return;
                }
                if (r.interim() && clientHttp10) {
                    in.start += r.length(); // no 1xx to an HTTP/1.0 client (RFC 9110 §15.2); the final response follows
                    continue;
                }
                response = r;
                status = r.status();
                int headLength = r.framing() == Framing.TUNNEL ? r.length() : ClientHead.rewrite(r, in, clientKeepAlive, clientHttp10, client.local.scratch);
                if (headLength < 0) {
                    backendBroken("backend response head cannot be rewritten in a full buffer");
                    return;
                }
                responseHeadBytes += headLength;
                responseFlow = BodyFlow.of(r, headLength);
                if (r.framing() == Framing.TUNNEL) {
                    tunnel = true;
                    requestFlow = BodyFlow.untilClose(0);
                }
            }
            int ready;
            try {
                ready = responseFlow.ready(in);
            } catch (HttpException e) {
                backendBroken(e.getMessage());
                return;
            }
            if (responseBytes == 0 && !tunnel && BodyFlow.holdBack(response, responseFlow, in)) {
                return;
            }
            if (ready > 0) {
                int n;
                try {
                    n = client.write(in, in.start + ready);
                } catch (IOException e) {
                    clientFailed();
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

    /** The response is all written; {@code backendClosed} when its end was the backend closing. */
    private void responseComplete(boolean backendClosed) {
        BackendConnection c = backend;
        backend = null;
        c.backend.succeeded();
        boolean reuse = !backendClosed && response.reusable() && requestSent() && (c.in == null || c.in.isEmpty());
        if (reuse) {
            c.park();
        } else {
            c.discard();
        }
        finish(clientKeepAlive && requestFlow.complete() && !responseFlow.untilClose());
    }

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
            n = c.buffer().readFrom(c.channel);
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
        } else if (responseBytes == 0 && !requestFlow.complete() && !backendWriteBlocked) {
            // the backend has all the client sent and waits for the rest: the client's fault, not the backend's
            dropBackend();
            attempt.release();
            fail(408, "the request body stalled: nothing for " + ctx.idleTimeoutMs + " ms", false);
        } else if (responseBytes == 0) {
            dropBackend();
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
        } else if (response != null && responseFlow.untilClose() && response.framing() != Framing.TUNNEL) {
            // a body delimited by the connection's end: that was it
            responseComplete(true);
        } else if (responseBytes > 0) {
            abort(why + " during the response");
        } else {
            retryOrFail(why, false, false);
        }
    }

    /** The backend sent what is not HTTP, or breaks its framing: its fault; another may answer before the client has seen a byte. */
    private void backendBroken(String why) {
        if (responseBytes == 0) {
            retryOrFail(why, false, false);
            return;
        }
        dropBackend();
        ctx.chooser.failed(attempt, attempt.release(), why, false);
        abort(why);
    }

    /**
     * A try failed before the client saw a byte of an answer; {@link RetryPolicy} decides
     * whether another endpoint gets the request. A kept-alive connection that the backend
     * closed before sending a byte (the keep-alive race) does not count against the
     * endpoint; the others do.
     */
    private void retryOrFail(String why, boolean connecting, boolean timedOut) {
        BackendConnection c = backend;
        boolean closeRace = !connecting && c != null && c.reused() && (c.in == null || c.in.isEmpty()) && response == null;
        dropBackend();
        Backend lost = attempt.release();
        if (closeRace) {
            attempt.failed(why + " (" + lost.endpoint().containerName() + " " + lost.authority() + ")", false);
            attempt.raced();
        } else {
            ctx.chooser.failed(attempt, lost, why, timedOut);
        }
        if (ctx.retry.allows(attempt.tries(), !connecting, plan.replayable, idempotent) && !client.isClosed()) {
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
            if (responseBytes == 0) {
                status = 499; // the client gave up mid-request: not the backend's failure
            }
            abort(null);
        } else {
            updateInterests();
        }
    }

    /** The client connection is gone: the request ends here. */
    void clientGone() {
        if (finished) {
            return;
        }
        finished = true;
        dropBackend();
        if (attempt != null) {
            attempt.release();
        }
        if (status == 0 || responseBytes == 0) {
            status = 499;
        }
        ctx.metrics.completed(completed());
    }

    private void clientFailed() {
        clientGone();
        client.close();
    }

    /** Answers with an error page (nothing of a response was sent yet). */
    private void fail(int failStatus, String reason, boolean withRetryAfter) {
        fail(failStatus, reason, withRetryAfter ? ErrorPage.RETRY_AFTER_SECONDS : null);
    }

    /** Answers with an error page (nothing of a response was sent yet); {@code retryAfter} in seconds, or null. */
    private void fail(int failStatus, String reason, String retryAfter) {
        if (ctx.tracer.isActive()) {
            traceFailure(failStatus, reason);
        }
        dropBackend();
        boolean bodyRead = requestFlow.skipBuffered(client.in);
        boolean keepAlive = clientKeepAlive && bodyRead && !clientEof;
        status = failStatus;
        byte[] page = ErrorPage.bytes(failStatus, host, reason, retryAfter, !keepAlive, headRequest);
        responseBytes = page.length;
        responseHeadBytes = ErrorPage.headLength(page);
        client.send(page);
        finish(keepAlive);
    }

    /** Answers with what the load balancer makes itself (an ACME challenge, an HTTPS redirect). */
    private void answer(HttpsEdge.Answer a) {
        boolean bodyRead = requestFlow.skipBuffered(client.in);
        boolean keepAlive = clientKeepAlive && bodyRead && !clientEof;
        status = a.status();
        byte[] page = a.bytes(!keepAlive, headRequest);
        responseBytes = page.length;
        responseHeadBytes = ErrorPage.headLength(page);
        client.send(page);
        finish(keepAlive);
    }

    /** Ends the exchange and both connections (a response was under way, or a tunnel ended). */
    private void abort(String why) {
        dropBackend();
        if (status == 0) {
            status = 502;
        }
        if (why != null) {
            Backend b = attempt == null ? null : attempt.last();
            LOG.info("request aborted host={} service={} container={} reason={}", host, plan.route == null ? "-" : plan.route.service(),
                    b == null ? "-" : b.endpoint().containerName(), why);
        }
        finish(false);
    }

    private CompletedRequest completed() {
        return new CompletedRequest(plan.route, attempt == null ? null : attempt.last(), status, Math.max(0, responseBytes - responseHeadBytes),
                System.nanoTime() - startNanos, client.remote().getAddress(), host, method, plan.path);
    }

    private void finish(boolean keepAlive) {
        if (finished) {
            return;
        }
        finished = true;
        if (attempt != null) {
            attempt.release();
        }
        ctx.metrics.completed(completed());
        client.exchangeDone(keepAlive);
    }

    /** Closes the backend connection this exchange holds, if any: it is mid-request and cannot be reused. */
    private void dropBackend() {
        BackendConnection c = backend;
        if (c != null) {
            backend = null;
            c.discard();
        }
    }

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
            backend.releaseEmptyBuffer();
            backend.interest(!clientWriteBlocked && (backend.in == null || !backend.in.full()), backendWriteBlocked);
        }
        client.updateInterest();
    }
}
