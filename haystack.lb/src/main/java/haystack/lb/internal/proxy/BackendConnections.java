package haystack.lb.internal.proxy;

import java.util.ArrayDeque;

import haystack.lb.internal.io.EventLoop;
import haystack.lb.internal.routing.Backend;
import haystack.lb.internal.routing.ConnectionPool;

/**
 * The idle keep-alive connections to one backend: one stack per event loop, each touched
 * only by its loop, so taking and parking a connection needs no lock.
 */
public final class BackendConnections implements ConnectionPool {

    private final ArrayDeque<BackendConnection>[] idle;
    private final EventLoop[] loops;
    private volatile boolean closed;

    @SuppressWarnings("unchecked")
    public BackendConnections(EventLoop[] loops) {
        this.loops = loops;
        this.idle = new ArrayDeque[loops.length];
        for (int i = 0; i < loops.length; i++) {
            idle[i] = new ArrayDeque<>();
        }
    }

    static BackendConnections of(Backend backend) {
        return (BackendConnections) backend.connections();
    }

    /** The most recently parked open connection of this loop, or null. Called on {@code loop}'s thread. */
    BackendConnection take(EventLoop loop) {
        ArrayDeque<BackendConnection> stack = idle[loop.index];
        for (BackendConnection c; (c = stack.pollLast()) != null; ) {
            if (!c.isClosed()) {
                return c;
            }
        }
        return null;
    }

    /** Keeps {@code c} for the next request; false when the backend is gone and it must be closed. Called on {@code loop}'s thread. */
    boolean park(EventLoop loop, BackendConnection c) {
        if (closed) {
            return false;
        }
        idle[loop.index].addLast(c);
        return true;
    }

    /** An idle connection was closed (by the backend or its idle timeout). Called on {@code loop}'s thread. */
    void forget(EventLoop loop, BackendConnection c) {
        idle[loop.index].remove(c);
    }

    /** Closes the idle connections, each on its own loop. */
    @Override
    public void close() {
        closed = true;
        for (EventLoop loop : loops) {
            ArrayDeque<BackendConnection> stack = idle[loop.index];
            loop.execute(() -> {
                for (BackendConnection c; (c = stack.pollLast()) != null; ) {
                    c.close();
                }
            });
        }
    }
}
