package haystack.registry.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import haystack.api.RegistryChange;
import haystack.api.RegistryListener;
import haystack.api.RegistrySnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers registry changes to listeners in order, on one thread of its own, so a slow
 * listener delays other listeners but never a writer. The registry calls {@link #add}
 * and {@link #dispatch} under its write lock, which orders a new listener's first
 * (catch-up) change exactly before every later change.
 */
final class ChangeDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeDispatcher.class);

    private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "haystack-registry-events");
        t.setDaemon(true);
        return t;
    });

    void add(RegistryListener listener, RegistrySnapshot current) {
        listeners.add(listener);
        RegistryChange catchUp = new RegistryChange(RegistrySnapshot.EMPTY, current, current.endpoints(), List.of(), List.of());
        submit(() -> {
            if (listeners.contains(listener)) {
                deliver(listener, catchUp);
            }
        });
    }

    void remove(RegistryListener listener) {
        listeners.remove(listener);
    }

    void dispatch(RegistryChange change) {
        List<RegistryListener> now = List.copyOf(listeners);
        submit(() -> {
            for (RegistryListener l : now) {
                if (listeners.contains(l)) {
                    deliver(l, change);
                }
            }
        });
    }

    void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void submit(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException stopped) {
            // registry is shutting down: nobody is left to tell
        }
    }

    private static void deliver(RegistryListener listener, RegistryChange change) {
        try {
            listener.registryChanged(change);
        } catch (RuntimeException | LinkageError e) {
            LOG.error("registry listener failed listener={} version={}", listener.getClass().getName(), change.current().version(), e);
        }
    }
}
