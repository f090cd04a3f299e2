package haystack.lb.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import haystack.api.strategy.BalancingStrategy;
import haystack.api.trace.TraceEvent;
import haystack.api.trace.Tracer;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undertow's {@link ProxyClient} for Haystack: the route found by the
 * {@link RoutingHandler} is the target; each connection attempt asks the service's
 * strategy for a backend not tried yet, counts requests in flight and passive failures,
 * and bounds the connect time. Undertow's ProxyHandler calls back here to retry.
 */
final class BackendProxyClient implements ProxyClient {

    private static final Logger LOG = LoggerFactory.getLogger(BackendProxyClient.class);

    private final Supplier<RoutingTable> table;
    private final StrategyCatalogImpl strategies;
    private final long connectTimeoutMs;
    private final long idleTimeoutMs;
    private final int ejectAfter;
    private final Consumer<Backend> onEject;

    private final Tracer tracer;

    BackendProxyClient(Supplier<RoutingTable> table, StrategyCatalogImpl strategies, long connectTimeoutMs,
            long idleTimeoutMs, int ejectAfter, Consumer<Backend> onEject, Tracer tracer) {
        this.tracer = tracer;
        this.table = table;
        this.strategies = strategies;
        this.connectTimeoutMs = connectTimeoutMs;
        this.idleTimeoutMs = idleTimeoutMs;
        this.ejectAfter = ejectAfter;
        this.onEject = onEject;
    }

    @Override
    public ProxyTarget findTarget(HttpServerExchange exchange) {
        return exchange.getAttachment(RoutingHandler.ROUTE);
    }

    @Override
    public void getConnection(ProxyTarget target, HttpServerExchange exchange, ProxyCallback<ProxyConnection> callback, long timeout, TimeUnit unit) {
        Attempt attempt = exchange.getAttachment(Attempt.KEY);
        if (attempt == null) {
            Attempt created = new Attempt();
            attempt = created;
            exchange.putAttachment(Attempt.KEY, created);
            exchange.addExchangeCompleteListener((ex, next) -> {
                created.release();
                next.proceed();
            });
        } else if (attempt.current() != null) {
            // The last try had a connection and then failed: Undertow is retrying.
            boolean timedOut = attempt.responseTimedOut();
            Backend lost = attempt.release();
            backendFailed(attempt, lost, timedOut ? "backend timed out" : "backend connection lost", timedOut);
            if (timedOut) {
                callback.couldNotResolveBackend(exchange);
                return;
            }
        }
        Route route = (Route) target;
        Route latest = table.get().service(route.service());
        ServicePool pool = (latest == null ? route : latest).pool();
        if (pool.size() == 0) {
            if (attempt.failure() == null) {
                attempt.failed("no healthy endpoint", false);
            }
            callback.couldNotResolveBackend(exchange);
            return;
        }
        Backend backend = pick(route, pool, exchange, attempt);
        if (backend == null) {
            attempt.failed("strategy refused the request", false);
            callback.couldNotResolveBackend(exchange);
            return;
        }
        attempt.start(backend);
        if (tracer.isActive()) {
            traceRoute(route, exchange, backend);
        }
        ConnectCallback connecting = new ConnectCallback(attempt, backend, callback, exchange);
        backend.pool().connect(route, exchange, connecting, connectTimeoutMs, TimeUnit.MILLISECONDS, false);
        // A pooled keep-alive connection completes inside connect(); only a new one needs a timer.
        connecting.armTimer();
    }

    private Backend pick(Route route, ServicePool pool, HttpServerExchange exchange, Attempt attempt) {
        InetSocketAddress source = exchange.getSourceAddress();
        InetAddress client = source == null ? null : source.getAddress();
        BalancingStrategy strategy = strategies.strategyFor(route.service(), route.strategy());
        int size = pool.size();
        int index;
        try {
            index = strategy.select(pool, client);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("strategy failed service={} strategy={} error={}", route.service(), strategy.getClass().getName(), e.toString());
            index = StrategyCatalogImpl.FALLBACK.select(pool, client);
        }
        if (index == -1) {
            return null;
        }
        if (index < 0 || index >= size) {
            index = StrategyCatalogImpl.FALLBACK.select(pool, client);
        }
        for (int k = 0; k < size; k++) {
            Backend b = pool.backend((index + k) % size);
            if (!attempt.tried(b)) {
                return b;
            }
        }
        return pool.backend(index);
    }

    private void traceRoute(Route route, HttpServerExchange exchange, Backend backend) {
        InetSocketAddress source = exchange.getSourceAddress();
        tracer.trace(TraceEvent.ROUTE, "route client=" + (source == null ? "-" : source.getAddress().getHostAddress())
                + " host=" + exchange.getHostName() + " path=" + exchange.getRequestPath() + " service=" + route.service()
                + " strategy=" + strategies.nameFor(route.service(), route.strategy())
                + " container=" + backend.endpoint().containerName() + " endpoint=" + backend.pool().getUri().getAuthority());
    }

    private void backendFailed(Attempt attempt, Backend backend, String why, boolean timeout) {
        attempt.failed(why + " (" + backend.endpoint().containerName() + " " + backend.pool().getUri().getAuthority() + ")", timeout);
        if (backend.failed(ejectAfter)) {
            LOG.warn("endpoint ejected service={} container={} endpoint={} reason={}", backend.endpoint().qualifiedName(),
                    backend.endpoint().containerName(), backend.pool().getUri().getAuthority(), why);
            onEject.accept(backend);
        }
    }

    /**
     * Bounds the wait for the backend's response head by the idle timeout: one timer per
     * request, removed when the response starts. (XNIO's per-connection READ_TIMEOUT would
     * re-wrap the connection's conduit on every request.) On expiry the request is answered
     * 504 and the backend connection dropped; a stalled body is ended by the client
     * connection's own idle timeout.
     */
    private void awaitResponse(HttpServerExchange exchange, Backend backend, ProxyConnection connection) {
        Attempt attempt = exchange.getAttachment(Attempt.KEY);
        org.xnio.XnioExecutor.Key timer = exchange.getIoThread().executeAfter(() -> {
            if (!exchange.isResponseStarted() && !exchange.isComplete()) {
                attempt.responseTimedOut(true);
                backendFailed(attempt, backend, "backend timed out: no response within " + idleTimeoutMs + " ms", true);
                org.xnio.IoUtils.safeClose(connection.getConnection());
                // Undertow reports the dropped connection later; by then this answer is out.
                exchange.setPersistent(false);
                ErrorPageHandler.fail(exchange, StatusCodes.GATEWAY_TIME_OUT, attempt.failure());
            }
        }, idleTimeoutMs, TimeUnit.MILLISECONDS);
        exchange.addResponseCommitListener(ex -> timer.remove());
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
            timer.remove();
            nextListener.proceed();
        });
    }

    /** Wraps Undertow's callback: one outcome only, bounded by the connect timeout. */
    private final class ConnectCallback implements ProxyCallback<ProxyConnection>, Runnable {
        private final Attempt attempt;
        private final Backend backend;
        private final ProxyCallback<ProxyConnection> next;
        private final HttpServerExchange exchange;
        private org.xnio.XnioExecutor.Key timer;
        private boolean done;

        ConnectCallback(Attempt attempt, Backend backend, ProxyCallback<ProxyConnection> next, HttpServerExchange exchange) {
            this.attempt = attempt;
            this.backend = backend;
            this.next = next;
            this.exchange = exchange;
        }

        /** Bounds the connect time, unless the outcome is known already. */
        void armTimer() {
            synchronized (this) {
                if (!done) {
                    timer = exchange.getIoThread().executeAfter(this, connectTimeoutMs, TimeUnit.MILLISECONDS);
                }
            }
        }

        /** Connect timeout. */
        @Override
        public void run() {
            if (finish()) {
                attempt.release();
                backendFailed(attempt, backend, "backend connect timed out", true);
                next.failed(exchange);
            }
        }

        private boolean finish() {
            synchronized (this) {
                if (done) {
                    return false;
                }
                done = true;
                if (timer != null) {
                    timer.remove();
                }
            }
            return true;
        }

        @Override
        public void completed(HttpServerExchange ex, ProxyConnection connection) {
            if (finish()) {
                backend.succeeded();
                awaitResponse(ex, backend, connection);
                next.completed(ex, connection);
            }
        }

        @Override
        public void failed(HttpServerExchange ex) {
            if (finish()) {
                attempt.release();
                backendFailed(attempt, backend, "backend connection failed", false);
                next.failed(ex);
            }
        }

        @Override
        public void couldNotResolveBackend(HttpServerExchange ex) {
            failed(ex);
        }

        @Override
        public void queuedRequestFailed(HttpServerExchange ex) {
            if (finish()) {
                attempt.release();
                attempt.failed("too many requests queued for " + backend.pool().getUri().getAuthority(), false);
                next.failed(ex);
            }
        }
    }
}
