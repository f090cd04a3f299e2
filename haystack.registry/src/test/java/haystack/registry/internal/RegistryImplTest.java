package haystack.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.HealthCheck;
import haystack.api.RegistryChange;
import haystack.api.RegistrySnapshot;
import haystack.api.discovery.EndpointSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistryImplTest {

    private final RegistryImpl registry = new RegistryImpl();

    @AfterEach
    void stop() {
        registry.deactivate();
    }

    private EndpointSource open(String id) {
        return registry.open(id, s -> { });
    }

    @Test
    void putStampsTheSourceAndIndexesByService() {
        EndpointSource docker = open("docker:a");
        docker.put(List.of(Endpoints.of("nginx", 1), Endpoints.of("nginx", 2), Endpoints.of("redis", 3)));

        RegistrySnapshot s = registry.snapshot();
        assertEquals(3, s.size());
        assertEquals(2, s.service("nginx").size());
        assertEquals(Set.of("nginx", "redis"), s.services());
        assertTrue(s.endpoints().stream().allMatch(e -> e.source().equals("docker:a")));
        assertEquals(1, s.version());
    }

    @Test
    void replaceAllLeavesNothingStaleAndNothingMissing() {
        EndpointSource docker = open("docker:a");
        docker.put(IntStream.range(0, 10).mapToObj(i -> Endpoints.of("nginx", i)).toList());
        List<Endpoint> fresh = IntStream.range(5, 15).mapToObj(i -> Endpoints.of("nginx", i)).toList();

        docker.replaceAll(fresh);

        Set<String> ids = registry.snapshot().endpoints().stream().map(Endpoint::containerId).collect(Collectors.toSet());
        assertEquals(IntStream.range(5, 15).mapToObj(i -> "c" + i).collect(Collectors.toSet()), ids);
    }

    @Test
    void replaceAllTouchesOnlyItsOwnSource() {
        EndpointSource a = open("docker:a");
        EndpointSource b = open("docker:b");
        a.put(List.of(Endpoints.of("nginx", 1)));
        b.put(List.of(Endpoints.of("nginx", 1), Endpoints.of("nginx", 2)));

        a.replaceAll(List.of());

        assertEquals(2, registry.snapshot().size());
        assertTrue(registry.snapshot().endpoints().stream().allMatch(e -> e.source().equals("docker:b")));
    }

    @Test
    void replaceContainerSwapsOnlyThatContainer() {
        EndpointSource docker = open("docker:a");
        docker.put(List.of(Endpoints.of("nginx", 1), Endpoints.of("nginx", 2)));
        Endpoint unhealthy = Endpoints.of("nginx", 1).toBuilder().health(Health.UNHEALTHY).build();

        docker.replaceContainer("c1", List.of(unhealthy));

        RegistrySnapshot s = registry.snapshot();
        assertEquals(2, s.size());
        assertEquals(Health.UNHEALTHY, s.endpoints().stream().filter(e -> e.containerId().equals("c1")).findFirst().orElseThrow().health());
        assertThrows(IllegalArgumentException.class, () -> docker.replaceContainer("c2", List.of(unhealthy)));
    }

    @Test
    void closingASourceTakesExactlyItsEndpoints() {
        EndpointSource a = open("docker:a");
        EndpointSource b = open("docker:b");
        a.put(List.of(Endpoints.of("nginx", 1), Endpoints.of("web", 2)));
        b.put(List.of(Endpoints.of("nginx", 3)));

        a.close();

        RegistrySnapshot s = registry.snapshot();
        assertEquals(1, s.size());
        assertEquals("c3", s.endpoints().get(0).containerId());
        assertThrows(IllegalStateException.class, () -> a.put(List.of(Endpoints.of("nginx", 1))));
        // the id is free again once closed
        open("docker:a").put(List.of(Endpoints.of("nginx", 9)));
        assertEquals(2, registry.snapshot().size());
    }

    @Test
    void anOperatorDrainHoldsAcrossSourceUpdatesUntilLiftedOrWithdrawn() {
        EndpointSource docker = open("docker:a");
        docker.put(List.of(Endpoints.of("nginx", 1), Endpoints.of("nginx", 2)));
        String id = registry.snapshot().service("nginx").get(0).id();

        assertTrue(registry.drain(id, true));
        assertTrue(registry.snapshot().endpoint(id).orElseThrow().draining());
        assertFalse(registry.snapshot().endpoint(id).orElseThrow().isAvailable());

        docker.put(List.of(Endpoints.of("nginx", 1).toBuilder().health(Health.HEALTHY).build()));
        assertTrue(registry.snapshot().endpoint(id).orElseThrow().draining(), "a source update keeps the operator's drain");
        assertEquals(Health.HEALTHY, registry.snapshot().endpoint(id).orElseThrow().health());

        assertTrue(registry.drain(id, false));
        assertFalse(registry.snapshot().endpoint(id).orElseThrow().draining());

        registry.drain(id, true);
        docker.remove(List.of(id));
        docker.put(List.of(Endpoints.of("nginx", 1)));
        assertFalse(registry.snapshot().endpoint(id).orElseThrow().draining(), "the mark went with the endpoint");
        assertFalse(registry.drain("no-such-endpoint", true));
    }

    @Test
    void aFailingActiveCheckMakesTheEndpointUnhealthyUntilItPasses() {
        EndpointSource docker = open("docker:a");
        HealthCheck tcp = HealthCheck.tcp();
        docker.put(List.of(Endpoints.of("redis", 1).toBuilder().healthCheck(tcp).build(), Endpoints.of("redis", 2).toBuilder().healthCheck(tcp).build()));
        String id = registry.snapshot().service("redis").get(0).id();
        long before = registry.snapshot().version();

        assertTrue(registry.checkFailing(id, true));
        Endpoint failing = registry.snapshot().endpoint(id).orElseThrow();
        assertEquals(Health.UNHEALTHY, failing.health());
        assertFalse(failing.isAvailable(), "no traffic, no DNS answers");
        assertEquals(before + 1, registry.snapshot().version());
        assertTrue(registry.checkFailing(id, true));
        assertEquals(before + 1, registry.snapshot().version(), "the same verdict again publishes nothing");
        assertTrue(registry.snapshot().service("redis").get(1).isAvailable(), "its sibling is untouched");

        docker.put(List.of(Endpoints.of("redis", 1).toBuilder().healthCheck(tcp).labels(java.util.Map.of("k", "v")).build()));
        assertEquals(Health.UNHEALTHY, registry.snapshot().endpoint(id).orElseThrow().health(), "a source update keeps the verdict");

        assertTrue(registry.checkFailing(id, false));
        assertEquals(Health.UNKNOWN, registry.snapshot().endpoint(id).orElseThrow().health(), "the source's own health again");

        registry.checkFailing(id, true);
        docker.put(List.of(Endpoints.of("redis", 1).toBuilder().healthCheck(HealthCheck.http("/ping")).build()));
        assertTrue(registry.snapshot().endpoint(id).orElseThrow().isAvailable(), "another check starts from no verdict");

        registry.checkFailing(id, true);
        docker.remove(List.of(id));
        docker.put(List.of(Endpoints.of("redis", 1).toBuilder().healthCheck(tcp).build()));
        assertTrue(registry.snapshot().endpoint(id).orElseThrow().isAvailable(), "the verdict went with the endpoint");
        assertFalse(registry.checkFailing("no-such-endpoint", true));
    }

    @Test
    void aPassingCheckNeverHidesDockersOwnVerdictNorAnOperatorsDrain() {
        EndpointSource docker = open("docker:a");
        docker.put(List.of(Endpoints.of("web", 1).toBuilder().health(Health.STARTING).healthCheck(HealthCheck.tcp()).build()));
        String id = registry.snapshot().service("web").get(0).id();
        registry.drain(id, true);
        registry.checkFailing(id, true);
        Endpoint both = registry.snapshot().endpoint(id).orElseThrow();
        assertTrue(both.draining());
        assertEquals(Health.UNHEALTHY, both.health());
        registry.checkFailing(id, false);
        Endpoint passing = registry.snapshot().endpoint(id).orElseThrow();
        assertTrue(passing.draining(), "the drain stays");
        assertEquals(Health.STARTING, passing.health(), "Docker's starting stays");
    }

    @Test
    void removeTakesIdsBeforeOrAfterStamping() {
        EndpointSource docker = open("docker:a");
        docker.put(List.of(Endpoints.of("nginx", 1), Endpoints.of("nginx", 2)));
        docker.remove(List.of(Endpoints.of("nginx", 1).id()));
        docker.remove(List.of(docker.endpoints().get(0).id()));
        assertEquals(0, registry.snapshot().size());
    }

    @Test
    void aSourceIdCanBeOpenOnlyOnce() {
        open("docker:a");
        assertThrows(IllegalStateException.class, () -> open("docker:a"));
    }

    @Test
    void publisherClosesEverythingItsBundleOpenedWhenReleased() {
        DiscoveryPublisherImpl bundleA = new DiscoveryPublisherImpl(registry);
        DiscoveryPublisherImpl bundleB = new DiscoveryPublisherImpl(registry);
        bundleA.open("docker:1").put(List.of(Endpoints.of("nginx", 1)));
        bundleA.open("docker:2").put(List.of(Endpoints.of("nginx", 2)));
        bundleB.open("etcd").put(List.of(Endpoints.of("nginx", 3)));

        bundleA.deactivate();

        assertEquals(List.of("c3"), registry.snapshot().endpoints().stream().map(Endpoint::containerId).toList());
    }

    @Test
    void unchangedWritesMakeNoNewVersion() {
        EndpointSource docker = open("docker:a");
        docker.put(List.of(Endpoints.of("nginx", 1)));
        long version = registry.snapshot().version();

        docker.put(List.of(Endpoints.of("nginx", 1)));
        docker.remove(List.of("no-such-id"));

        assertEquals(version, registry.snapshot().version());
    }

    @Test
    void listenersHearEveryChangeInOrderStartingWithTheCurrentState() throws Exception {
        EndpointSource docker = open("docker:a");
        docker.put(List.of(Endpoints.of("nginx", 1)));
        BlockingQueue<RegistryChange> heard = new LinkedBlockingQueue<>();
        registry.addListener(heard::add);

        docker.put(List.of(Endpoints.of("nginx", 2)));
        docker.put(List.of(Endpoints.of("nginx", 2).toBuilder().draining(true).build()));
        docker.remove(List.of(Endpoints.of("nginx", 1).toBuilder().source("docker:a").build().id()));

        RegistryChange catchUp = heard.poll(5, TimeUnit.SECONDS);
        assertEquals(1, catchUp.added().size());
        assertEquals(RegistrySnapshot.EMPTY, catchUp.previous());
        RegistryChange add = heard.poll(5, TimeUnit.SECONDS);
        assertEquals("c2", add.added().get(0).containerId());
        RegistryChange drain = heard.poll(5, TimeUnit.SECONDS);
        assertTrue(drain.updated().get(0).draining());
        RegistryChange remove = heard.poll(5, TimeUnit.SECONDS);
        assertEquals("c1", remove.removed().get(0).containerId());
        assertEquals(add.current(), drain.previous());
        assertEquals(drain.current(), remove.previous());
        assertEquals(remove.current(), registry.snapshot());
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() throws Exception {
        BlockingQueue<RegistryChange> heard = new LinkedBlockingQueue<>();
        registry.addListener(c -> { throw new IllegalStateException("listener bug"); });
        registry.addListener(heard::add);

        open("docker:a").put(List.of(Endpoints.of("nginx", 1)));

        heard.poll(5, TimeUnit.SECONDS); // catch-up
        assertEquals(1, heard.poll(5, TimeUnit.SECONDS).added().size());
    }

    @Test
    void concurrentPublishersAndReadersSeeConsistentSnapshots() throws Exception {
        int publishers = 4;
        int perPublisher = 500;
        ExecutorService pool = Executors.newFixedThreadPool(publishers + 2);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Future<?>> futures = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            EndpointSource source = open("src-" + p);
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perPublisher; i++) {
                    source.put(List.of(Endpoints.of("svc", i)));
                    if (i % 10 == 9) {
                        source.remove(List.of(Endpoints.of("svc", i - 5).toBuilder().source(source.id()).build().id()));
                    }
                }
                return null;
            }));
        }
        List<Future<Integer>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(pool.submit(() -> {
                start.await();
                int reads = 0;
                long lastVersion = -1;
                while (writing.get()) {
                    RegistrySnapshot s = registry.snapshot();
                    assertTrue(s.version() >= lastVersion, "versions never go back");
                    lastVersion = s.version();
                    assertEquals(s.size(), s.service("svc").size(), "indexes agree with the list");
                    reads++;
                }
                return reads;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        writing.set(false);
        for (Future<Integer> r : readers) {
            assertTrue(r.get(10, TimeUnit.SECONDS) > 0);
        }
        pool.shutdown();

        int removedPerPublisher = perPublisher / 10;
        assertEquals(publishers * (perPublisher - removedPerPublisher), registry.snapshot().size());
        assertFalse(registry.snapshot().endpoints().stream().anyMatch(e -> e.containerId().equals("c4")));
    }
}
