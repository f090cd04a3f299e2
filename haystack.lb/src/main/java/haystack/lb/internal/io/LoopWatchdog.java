package haystack.lb.internal.io;

import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the event loops from a thread of its own: a loop that has not come back to
 * select for more than {@link #STALL_MS} is serving nobody else, whatever the cause (an
 * input that makes a parser spin, a blocking call, a plugin). Each stall is logged once,
 * with where the loop is, and counted.
 */
public final class LoopWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoopWatchdog.class);
    static final long STALL_MS = 1000;
    private static final long CHECK_MS = 250;

    private final EventLoop[] loops;
    private final LongAdder stalls;
    private final Thread thread;
    private volatile boolean running = true;

    public LoopWatchdog(EventLoop[] loops, LongAdder stalls) {
        this.loops = loops;
        this.stalls = stalls;
        this.thread = new Thread(this::run, "haystack-lb-watchdog");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(CHECK_MS);
            } catch (InterruptedException e) {
                return;
            }
            check(System.nanoTime());
        }
    }

    /** Reports each loop busy for more than {@link #STALL_MS} since it last waited, once per stall. */
    void check(long nowNanos) {
        for (EventLoop loop : loops) {
            long since = loop.busySince();
            long busyMs = since == 0 ? 0 : (nowNanos - since) / 1_000_000;
            if (busyMs > STALL_MS && loop.reportedStall != since) {
                loop.reportedStall = since;
                stalls.increment();
                StackTraceElement[] stack = loop.thread().getStackTrace();
                LOG.warn("event loop busy loop={} millis={} at={}", loop.thread().getName(), busyMs,
                        stack.length == 0 ? "-" : stack[0] + (stack.length > 1 ? " < " + stack[1] : ""));
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
