package haystack.dns.internal.forward;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that does all upstream I/O: a selector over every open attempt's socket,
 * timers for re-sends and deadlines, and a queue through which other threads hand it new
 * exchanges. Nothing here blocks; exchanges and attempts are touched by this thread only.
 */
final class ForwardLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardLoop.class);
    /** Datagrams read from one socket per wake-up: a flood on one socket cannot starve the others. */
    static final int READS_PER_WAKE = 8;

    /** Something registered with the selector: told when its channel is ready. */
    interface Ready {
        void ready(SelectionKey key, long nowNanos);

        /** Ends the exchange it belongs to after an unexpected error. */
        void abort(RuntimeException e);
    }

    private record Wake(long at, UpstreamExchange exchange) {
    }

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Wake> timers = new PriorityQueue<>((a, b) -> Long.signum(a.at() - b.at()));
    private final Set<UpstreamExchange> active = new java.util.HashSet<>();
    /** One receive buffer for every datagram: only this thread reads. */
    final ByteBuffer datagram = ByteBuffer.allocateDirect(65535);
    private volatile boolean closed;

    ForwardLoop() throws IOException {
        selector = Selector.open();
        thread = new Thread(this::run, "haystack-dns-forward");
        thread.setDaemon(true);
        thread.start();
    }

    Selector selector() {
        return selector;
    }

    /** Runs {@code task} on the loop thread soon; false when the loop is closed. */
    boolean execute(Runnable task) {
        if (closed) {
            return false;
        }
        tasks.add(task);
        selector.wakeup();
        return true;
    }

    /** Loop thread: {@code exchange} is running and is to be failed if the loop closes. */
    void track(UpstreamExchange exchange) {
        active.add(exchange);
    }

    /** Loop thread: {@code exchange} is over. */
    void untrack(UpstreamExchange exchange) {
        active.remove(exchange);
    }

    /** Loop thread: tick {@code exchange} at {@code atNanos} (or soon after). */
    void wakeAt(long atNanos, UpstreamExchange exchange) {
        timers.add(new Wake(atNanos, exchange));
    }

    private void run() {
        try {
            while (!closed) {
                runTasks();
                long now = System.nanoTime();
                fireTimers(now);
                Wake next = timers.peek();
                if (next == null) {
                    selector.select();
                } else {
                    long millis = Math.max(1, (next.at() - System.nanoTime() + 999_999) / 1_000_000);
                    selector.select(millis);
                }
                dispatch(System.nanoTime());
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("dns forward loop failed error={}", e.toString());
        } finally {
            closed = true;
            for (UpstreamExchange e : Set.copyOf(active)) {
                e.closed();
            }
            active.clear();
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("dns forward selector close failed error={}", e.toString());
            }
        }
    }

    private void runTasks() {
        for (int i = 0, n = tasks.size(); i < n; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("dns forward task failed error={}", e.toString());
            }
        }
    }

    private void fireTimers(long now) {
        while (!timers.isEmpty() && timers.peek().at() - now <= 0) {
            UpstreamExchange e = timers.poll().exchange();
            try {
                e.tick(now);
            } catch (RuntimeException ex) {
                e.abort(ex);
            }
        }
    }

    private void dispatch(long now) {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Ready ready = (Ready) key.attachment();
            if (!key.isValid()) {
                continue;
            }
            try {
                ready.ready(key, now);
            } catch (java.nio.channels.CancelledKeyException e) {
                // the exchange ended while this key was selected
            } catch (RuntimeException e) {
                ready.abort(e);
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
