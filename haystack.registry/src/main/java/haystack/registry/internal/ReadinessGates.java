package haystack.registry.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import haystack.api.ReadinessGate;
import haystack.api.RegistrySnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ReadinessGate}s the registry waits for before it says ready: each must catch
 * up with the registry as it is when the sources are all in (the DNS zones indexed for
 * it), within one bound for them all; one that does not is named in a warning and the
 * registry is ready anyway, as with a late source.
 */
final class ReadinessGates {

    private static final Logger LOG = LoggerFactory.getLogger(ReadinessGates.class);

    private final List<ReadinessGate> gates = new CopyOnWriteArrayList<>();

    void add(ReadinessGate gate) {
        gates.add(gate);
    }

    void remove(ReadinessGate gate) {
        gates.remove(gate);
    }

    /** Waits at most {@code bound} in all for every gate to serve {@code snapshot}; the gates that did not, by class name. */
    List<String> await(RegistrySnapshot snapshot, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        long start = System.nanoTime();
        List<String> late = new ArrayList<>();
        for (ReadinessGate gate : gates) {
            String name = gate.getClass().getName();
            try {
                if (!gate.catchUp(snapshot, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    late.add(name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                late.add(name);
                break; // stopping: say ready without waiting for the rest
            } catch (RuntimeException e) {
                LOG.warn("readiness gate failed gate={} error={}", name, e.toString());
                late.add(name);
            }
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (!late.isEmpty()) {
            LOG.warn("registry ready before every readiness gate caught up version={} late={} waitedMillis={}", snapshot.version(), late, millis);
        } else if (!gates.isEmpty()) {
            LOG.info("readiness gates caught up version={} gates={} millis={}", snapshot.version(), gates.size(), millis);
        }
        return late;
    }
}
