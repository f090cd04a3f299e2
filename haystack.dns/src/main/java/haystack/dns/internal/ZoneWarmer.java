package haystack.dns.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import haystack.api.RegistrySnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the tracked zones to each new registry snapshot on a thread of its own, so the
 * names of a change (100,000 endpoints at start-up: seconds of work) are indexed before
 * queries ask for them, not by the first query while every other waits on the index.
 * Changes that come while it works are taken together: it always moves to the newest
 * snapshot. A query that arrives before it is done still brings the zones along itself.
 */
final class ZoneWarmer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZoneWarmer.class);
    /** Checks the registry this often even without a wake-up, so a missed signal costs one period. */
    private static final long PERIOD_MILLIS = 1000;
    /** A zone move slower than this is logged (start-up at 100,000 endpoints). */
    private static final long SLOW_MILLIS = 500;

    private final Supplier<RegistrySnapshot> registry;
    private final Supplier<Authority> authority;
    private final Thread thread;
    private final Object signal = new Object();
    /** Set at first too: index what the registry holds already at once. */
    private boolean woken = true;
    private volatile boolean running = true;
    private volatile RegistrySnapshot warmed;

    ZoneWarmer(Supplier<RegistrySnapshot> registry, Supplier<Authority> authority) {
        this.registry = registry;
        this.authority = authority;
        this.thread = new Thread(this::run, "haystack-dns-zones");
        thread.setDaemon(true);
        thread.start();
    }

    /** The registry changed: bring the zones to its newest snapshot soon. */
    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /**
     * Waits at most {@code timeout} for the zones to be indexed for {@code target} or a
     * later snapshot; true once they are, false when the time ran out or the warmer stopped.
     */
    boolean awaitWarmed(RegistrySnapshot target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
            while (!covers(warmed, target)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !running) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(signal, left);
            }
            return true;
        }
    }

    private static boolean covers(RegistrySnapshot warmed, RegistrySnapshot target) {
        return warmed != null && warmed.version() >= target.version();
    }

    /** The last snapshot the zones were brought to by this warmer, null before the first. */
    RegistrySnapshot warmed() {
        return warmed;
    }

    private void run() {
        ZoneTable lastTable = null;
        while (running) {
            try {
                synchronized (signal) {
                    if (!woken) {
                        signal.wait(PERIOD_MILLIS);
                    }
                    woken = false;
                }
                Authority a = authority.get();
                RegistrySnapshot s = registry.get();
                if (a == null || s == null || (s == warmed && a.zones() == lastTable)) {
                    continue;
                }
                ZoneTable table = a.zones();
                long start = System.nanoTime();
                table.advance(s, a.origin());
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                if (millis >= SLOW_MILLIS) {
                    LOG.info("dns zones indexed version={} endpoints={} millis={}", s.version(), s.endpoints().size(), millis);
                }
                lastTable = table;
                synchronized (signal) {
                    warmed = s;
                    signal.notifyAll(); // a readiness gate may be waiting for it
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a provider's failure must not end the warming: queries still index for themselves
                LOG.warn("dns zones indexing failed error={}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (signal) {
            signal.notifyAll(); // a readiness gate waiting for it gives up now, not at its deadline
        }
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
