package haystack.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import haystack.api.RegistryChange;
import haystack.api.discovery.EndpointSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When the registry says ready: every unsynchronised source synchronised, the framework started, or the grace over. */
class ReadinessTest {

    /** A registry in a framework that is still starting its bundles. */
    private final RegistryImpl registry = new RegistryImpl(false);
    private final DiscoveryPublisherImpl publisher = new DiscoveryPublisherImpl(registry);

    @AfterEach
    void stop() {
        registry.deactivate();
    }

    @Test
    void aRegistryWithNothingToAwaitIsReadyAndASourceOpenedPlainlyChangesNothing() {
        RegistryImpl registry = new RegistryImpl();
        DiscoveryPublisherImpl publisher = new DiscoveryPublisherImpl(registry);
        assertTrue(registry.snapshot().ready());
        EndpointSource plain = publisher.open("file:a");
        plain.put(List.of(Endpoints.of("nginx", 1)));
        assertTrue(registry.snapshot().ready());
        plain.synchronised(); // a no-op on such a source
        assertTrue(registry.snapshot().ready());
    }

    @Test
    void notReadyUntilEveryUnsynchronisedSourceSaysSoAndListenersHearIt() throws Exception {
        BlockingQueue<RegistryChange> changes = new LinkedBlockingQueue<>();
        EndpointSource a = publisher.openUnsynchronised("docker:a");
        EndpointSource b = publisher.openUnsynchronised("docker:b");
        registry.addListener(changes::add);
        assertFalse(registry.snapshot().ready(), "two sources awaited");

        registry.readiness().frameworkStarted();
        assertFalse(registry.snapshot().ready(), "two sources awaited");
        a.replaceAll(List.of(Endpoints.of("nginx", 1)));
        a.synchronised();
        assertFalse(registry.snapshot().ready(), "docker:b is still awaited");
        assertEquals(Set.of("docker:b"), registry.awaitedSources());
        long before = registry.snapshot().version();

        b.synchronised();
        assertTrue(registry.snapshot().ready());
        assertEquals(before + 1, registry.snapshot().version(), "becoming ready is a change of its own");
        RegistryChange last = null;
        for (RegistryChange c; (c = changes.poll(5, TimeUnit.SECONDS)) != null; ) {
            last = c;
            if (c.becameReady()) {
                break;
            }
        }
        assertTrue(last != null && last.becameReady() && last.isEmpty(), "listeners are told, with no endpoint changed: " + last);
        assertEquals(1, registry.snapshot().size());

        EndpointSource late = publisher.openUnsynchronised("docker:late");
        assertTrue(registry.snapshot().ready(), "ready is for good: a source opened later does not undo it");
        late.close();
    }

    @Test
    void aSourceClosedBeforeItSynchronisedIsNoLongerAwaited() {
        EndpointSource a = publisher.openUnsynchronised("docker:a");
        assertFalse(registry.snapshot().ready());
        registry.readiness().frameworkStarted();
        assertFalse(registry.snapshot().ready());
        a.close();
        assertTrue(registry.snapshot().ready());
    }

    @Test
    void waitsForTheFrameworkToStartEveryBundleEvenWithNoSourceOpenYet() {
        AtomicInteger told = new AtomicInteger();
        Readiness r = new Readiness(false, told::incrementAndGet);
        assertFalse(r.ready(), "a discovery bundle may not have opened its source yet");
        r.awaiting("docker:a");
        r.frameworkStarted();
        assertFalse(r.ready());
        r.synchronised("docker:a");
        assertTrue(r.ready());
        r.synchronised("docker:a");
        r.frameworkStarted();
        assertEquals(1, told.get(), "told once");
    }

    @Test
    void theGraceEndsTheWaitForASourceThatNeverSynchronises() {
        AtomicInteger told = new AtomicInteger();
        Readiness r = new Readiness(false, told::incrementAndGet);
        r.awaiting("docker:unreachable");
        r.frameworkStarted();
        assertFalse(r.ready());
        r.graceEnded(10);
        assertTrue(r.ready());
        assertEquals(Set.of(), r.awaited());
        r.synchronised("docker:unreachable");
        r.graceEnded(10);
        assertEquals(1, told.get(), "told once");
    }
}
