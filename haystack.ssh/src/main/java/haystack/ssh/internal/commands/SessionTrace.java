package haystack.ssh.internal.commands;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import haystack.api.trace.TraceEvent;
import haystack.api.trace.TraceListener;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * One session's trace: a {@link TraceListener} that queues events (dropping, and counting,
 * when the session cannot keep up) and a thread that prints them, so a slow ssh client
 * never holds up a DNS worker or a proxy thread.
 */
final class SessionTrace implements TraceListener, AutoCloseable {

    private static final int CAPACITY = 10_000;

    private final BlockingQueue<TraceEvent> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Consumer<String> output;
    private final ServiceRegistration<TraceListener> registration;
    private final Thread writer;
    private volatile boolean open = true;

    SessionTrace(BundleContext context, Consumer<String> output) {
        this.output = output;
        this.writer = new Thread(this::write, "haystack-ssh-trace");
        writer.setDaemon(true);
        writer.start();
        this.registration = context.registerService(TraceListener.class, this, null);
    }

    @Override
    public void traced(TraceEvent event) {
        if (open && !queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    private void write() {
        try {
            while (open || !queue.isEmpty()) {
                TraceEvent event = queue.poll(200, TimeUnit.MILLISECONDS);
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    output.accept("trace: " + lost + " events dropped (session too slow)");
                }
                if (event != null) {
                    output.accept(event.toString());
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (RuntimeException sessionGone) {
            closeQuietly();
        }
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            closeQuietly();
            writer.interrupt();
        }
    }

    private void closeQuietly() {
        open = false;
        try {
            registration.unregister();
        } catch (IllegalStateException already) {
            // unregistered when the bundle stopped
        }
    }
}
