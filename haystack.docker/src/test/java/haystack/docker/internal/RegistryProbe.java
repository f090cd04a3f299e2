package haystack.docker.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import haystack.api.Endpoint;
import haystack.api.RegistryChange;
import haystack.api.RegistryListener;
import haystack.registry.internal.RegistryImpl;

/**
 * Watches a real registry for one test: the history of every endpoint version seen (so a
 * short-lived state such as draining is not missed) and bounded waits for a condition.
 */
final class RegistryProbe implements RegistryListener {

    private final RegistryImpl registry;
    private final String prefix;
    private final List<Endpoint> seen = new ArrayList<>();

    RegistryProbe(RegistryImpl registry, String prefix) {
        this.registry = registry;
        this.prefix = prefix;
        registry.addListener(this);
    }

    @Override
    public synchronized void registryChanged(RegistryChange change) {
        for (Endpoint e : change.added()) {
            record(e);
        }
        for (Endpoint e : change.updated()) {
            record(e);
        }
    }

    private void record(Endpoint e) {
        if (e.containerName().startsWith(prefix)) {
            seen.add(e);
        }
    }

    /** This test's endpoints in the registry now. */
    List<Endpoint> now() {
        return registry.snapshot().endpoints().stream().filter(e -> e.containerName().startsWith(prefix)).toList();
    }

    List<Endpoint> of(String containerName) {
        return now().stream().filter(e -> e.containerName().equals(containerName)).toList();
    }

    synchronized boolean everSeen(Predicate<Endpoint> p) {
        return seen.stream().anyMatch(p);
    }

    /** Waits (at most 30 s) until {@code condition} holds of this test's endpoints; returns them. */
    List<Endpoint> await(String what, Predicate<List<Endpoint>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<Endpoint> last = now();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 30s: " + what + "; registry has " + last);
            }
            Thread.sleep(20);
            last = now();
        }
        return last;
    }

    /** Waits (at most 30 s) until the history has an endpoint matching {@code p}. */
    void awaitSeen(String what, Predicate<Endpoint> p) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!everSeen(p)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never seen within 30s: " + what + "; registry has " + now());
            }
            Thread.sleep(20);
        }
    }

    void close() {
        registry.removeListener(this);
    }

    static List<Endpoint> copy(List<Endpoint> l) {
        return new ArrayList<>(l);
    }
}
