package haystack.lb.internal.io;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client connections the load balancer holds at once, HTTP and TCP listeners alike,
 * against one limit that may change while it runs.
 */
public final class ConnectionLimit {

    private final AtomicInteger open = new AtomicInteger();
    private volatile int max;

    public ConnectionLimit(int max) {
        this.max = max;
    }

    public void max(int max) {
        this.max = max;
    }

    public int max() {
        return max;
    }

    /** Counts a new client connection; false (and nothing counted) at the limit. */
    public boolean tryOpen() {
        while (true) {
            int n = open.get();
            if (n >= max) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Counts a new client connection beyond the limit: one that takes an evicted connection's place. */
    public void openInPlace() {
        open.incrementAndGet();
    }

    public void closed() {
        open.decrementAndGet();
    }

    public int open() {
        return open.get();
    }

    public boolean belowLimit() {
        return open.get() < max;
    }
}
