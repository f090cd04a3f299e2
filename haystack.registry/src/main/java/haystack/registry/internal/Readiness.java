package haystack.registry.internal;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when the registry becomes ready (SPEC §4): once the framework has started
 * every bundle (so every discovery component has had its chance to open its source) and
 * every source opened unsynchronised has said it is synchronised; or, at the latest, when
 * the start grace ends, with a WARN naming what was still awaited. Ready is for good:
 * a source opened later (a bundle installed while running) does not make it unready.
 *
 * <p>Calls {@code onReady} once, outside this object's lock, through {@code where}, and says
 * "registry ready" after it returns: {@code onReady} waits for the readiness gates (the DNS
 * zones indexed), which must not hold up the thread that made the registry ready (a
 * discovery source's reader, the framework's event thread).
 */
final class Readiness {

    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

    private final Runnable onReady;
    private final Executor where;
    /** Sources opened unsynchronised that have not said synchronised. Guarded by this. */
    private final Set<String> awaited = new TreeSet<>();
    private boolean frameworkStarted;
    private boolean ready;

    /**
     * @param frameworkStarted false while the framework may still start the bundles that
     *                         open sources; true makes it ready at once (nothing is awaited yet)
     */
    Readiness(boolean frameworkStarted, Runnable onReady) {
        this(frameworkStarted, onReady, Runnable::run);
    }

    /** @param where runs {@code onReady} and then the ready line (inline: {@code Runnable::run}) */
    Readiness(boolean frameworkStarted, Runnable onReady, Executor where) {
        this.frameworkStarted = frameworkStarted;
        this.ready = frameworkStarted;
        this.onReady = onReady;
        this.where = where;
    }

    private void becameReady(Runnable say) {
        where.execute(() -> {
            onReady.run();
            say.run();
        });
    }

    void awaiting(String sourceId) {
        synchronized (this) {
            if (!ready) {
                awaited.add(sourceId);
            }
        }
    }

    /** The source is synchronised. */
    void synchronised(String sourceId) {
        settled(sourceId, "sources-synchronised");
    }

    /** The source is closed: nothing is awaited from it any more. */
    void closed(String sourceId) {
        settled(sourceId, "source-closed");
    }

    private void settled(String sourceId, String reason) {
        boolean now;
        synchronized (this) {
            now = awaited.remove(sourceId) && becomesReady();
        }
        if (now) {
            becameReady(() -> LOG.info("registry ready reason={} last={}", reason, sourceId));
        }
    }

    void frameworkStarted() {
        boolean now;
        synchronized (this) {
            frameworkStarted = true;
            now = becomesReady();
        }
        if (now) {
            becameReady(() -> LOG.info("registry ready reason=framework-started"));
        }
    }

    /** The start grace has ended: ready now, whatever is still awaited. */
    void graceEnded(long graceSeconds) {
        Set<String> late;
        boolean starting;
        synchronized (this) {
            if (ready) {
                return;
            }
            ready = true;
            late = Set.copyOf(awaited);
            starting = !frameworkStarted;
            awaited.clear();
        }
        becameReady(() -> LOG.warn("registry ready without every source synchronised graceSeconds={} unsynchronised={} "
                + "frameworkStarting={}; names of those sources may be missing until they synchronise", graceSeconds,
                new TreeSet<>(late), starting));
    }

    synchronized boolean ready() {
        return ready;
    }

    synchronized Set<String> awaited() {
        return Set.copyOf(awaited);
    }

    private boolean becomesReady() {
        if (ready || !frameworkStarted || !awaited.isEmpty()) {
            return false;
        }
        ready = true;
        return true;
    }
}
