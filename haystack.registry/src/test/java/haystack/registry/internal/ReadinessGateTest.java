package haystack.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import haystack.api.ReadinessGate;
import haystack.api.RegistrySnapshot;
import haystack.api.discovery.EndpointSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registry says ready only once every readiness gate serves the registry as it was when the sources were all in. */
class ReadinessGateTest {

    private final RegistryImpl registry = new RegistryImpl(false);
    private final DiscoveryPublisherImpl publisher = new DiscoveryPublisherImpl(registry);

    @AfterEach
    void stop() {
        registry.deactivate();
    }

    /** A gate that catches up only when released, and says which snapshot it was asked for. */
    private static final class HeldGate implements ReadinessGate {
        final BlockingQueue<RegistrySnapshot> asked = new ArrayBlockingQueue<>(4);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public boolean catchUp(RegistrySnapshot snapshot, Duration timeout) throws InterruptedException {
            asked.add(snapshot);
            return release.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Test
    void notReadyWhileAGateCatchesUpWithTheSnapshotOfThatMomentAndSourcesKeepPublishing() throws Exception {
        HeldGate gate = new HeldGate();
        registry.addReadinessGate(gate);
        EndpointSource files = publisher.openUnsynchronised("file:a");
        files.replaceAll(List.of(Endpoints.of("nginx", 1), Endpoints.of("nginx", 2)));
        registry.readiness().frameworkStarted();
        Thread synchroniser = new Thread(files::synchronised, "test-synchroniser");
        synchroniser.start();

        RegistrySnapshot asked = gate.asked.poll(10, TimeUnit.SECONDS);
        assertTrue(asked != null, "the gate is asked once the last source is in");
        assertEquals(2, asked.size(), "for the registry as it is then");
        assertFalse(registry.snapshot().ready(), "not ready while the gate has not caught up");
        files.replaceAll(List.of(Endpoints.of("nginx", 1))); // the write lock is free meanwhile
        assertFalse(registry.snapshot().ready());

        gate.release.countDown();
        synchroniser.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(synchroniser.isAlive());
        assertTrue(registry.snapshot().ready());
        assertEquals(1, registry.snapshot().size());
        assertTrue(gate.asked.isEmpty(), "asked once");
    }

    @Test
    void aGateThatDoesNotCatchUpWithinTheBoundIsNamedAndTheRegistryIsReadyAnyway() {
        ReadinessGates gates = new ReadinessGates();
        HeldGate held = new HeldGate();
        gates.add(held);
        gates.add((snapshot, timeout) -> true);
        gates.add((snapshot, timeout) -> {
            throw new IllegalStateException("broken gate");
        });
        long start = System.nanoTime();
        List<String> late = gates.await(registry.snapshot(), Duration.ofMillis(200));
        assertEquals(2, late.size(), "the held gate and the broken one: " + late);
        assertTrue(late.get(0).contains("HeldGate"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "bounded");
    }

    @Test
    void aGateRemovedIsNotWaitedFor() {
        HeldGate gate = new HeldGate();
        registry.addReadinessGate(gate);
        registry.removeReadinessGate(gate);
        EndpointSource a = publisher.openUnsynchronised("docker:a");
        registry.readiness().frameworkStarted();
        a.synchronised();
        assertTrue(registry.snapshot().ready());
        assertTrue(gate.asked.isEmpty());
    }

    @Test
    void theWaitForTheGatesHoldsUpNoSourceThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(1);
        java.util.concurrent.ExecutorService own = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            Readiness readiness = new Readiness(false, () -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ran.countDown();
            }, own);
            readiness.awaiting("docker:a");
            readiness.frameworkStarted();
            readiness.synchronised("docker:a"); // returns while the gates are still waited for
            assertTrue(readiness.ready());
            assertEquals(1, ran.getCount(), "the gates' wait runs elsewhere");
            release.countDown();
            assertTrue(ran.await(10, TimeUnit.SECONDS));
        } finally {
            own.shutdownNow();
        }
    }
}
