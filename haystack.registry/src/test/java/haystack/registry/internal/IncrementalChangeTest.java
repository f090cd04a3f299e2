package haystack.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.RegistryChange;
import haystack.api.RegistrySnapshot;
import haystack.api.discovery.EndpointSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A change costs what it touches: the rest of the registry is the same objects in the next snapshot. */
class IncrementalChangeTest {

    private final RegistryImpl registry = new RegistryImpl();

    @AfterEach
    void stop() {
        registry.deactivate();
    }

    private static Endpoint endpoint(String service, String container, int host) {
        try {
            return Endpoint.builder().service(service).containerId(container).containerName(container)
                    .address(InetAddress.getByAddress(new byte[] { 10, 1, (byte) (host >> 8), (byte) host })).port(6379).portName("redis").build();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void replacingOneContainerLeavesEveryOtherServiceAndEndpointTheSameObject() throws Exception {
        EndpointSource file = registry.open("file:/s", s -> { });
        List<Endpoint> all = new ArrayList<>();
        for (int s = 0; s < 300; s++) {
            for (int i = 0; i < 10; i++) {
                all.add(endpoint("s" + s, "file-s" + s, s * 10 + i));
            }
        }
        file.replaceAll(all);
        BlockingQueue<RegistryChange> changes = new LinkedBlockingQueue<>();
        registry.addListener(changes::add);
        changes.poll(10, TimeUnit.SECONDS); // the catch-up
        RegistrySnapshot before = registry.snapshot();

        List<Endpoint> moved = new ArrayList<>(before.service("s42").subList(0, 9));
        moved.add(endpoint("s42", "file-s42", 60_000));
        file.replaceContainer("file-s42", moved);

        RegistrySnapshot after = registry.snapshot();
        assertEquals(before.version() + 1, after.version());
        for (String service : before.services()) {
            if (service.equals("s42")) {
                assertNotSame(before.service(service), after.service(service));
            } else {
                assertSame(before.service(service), after.service(service), service + " was not touched");
            }
        }
        for (Endpoint e : after.endpoints()) {
            before.endpoint(e.id()).ifPresent(old -> assertSame(old, e, "unchanged endpoint " + e.id() + " is the same object"));
        }
        RegistryChange change = changes.poll(10, TimeUnit.SECONDS);
        assertEquals(1, change.added().size());
        assertEquals(1, change.removed().size());
        assertEquals(List.of(), change.updated());
        List<String> diff = new ArrayList<>();
        after.changesSince(before, (old, now) -> diff.add(old == null ? "+" + now.id() : now == null ? "-" + old.id() : "~" + now.id()));
        assertEquals(List.of("+" + change.added().get(0).id(), "-" + change.removed().get(0).id()).stream().sorted((a, b) -> a.substring(1).compareTo(b.substring(1))).toList(), diff);
    }

    @Test
    void randomEditsThroughSourcesGiveWhatAFreshBuildGives() {
        Random random = new Random(21);
        EndpointSource[] sources = { registry.open("docker:a", s -> { }), registry.open("file:/b", s -> { }) };
        Map<String, Map<String, Endpoint>> model = new HashMap<>();
        for (EndpointSource s : sources) {
            model.put(s.id(), new TreeMap<>());
        }
        for (int step = 0; step < 400; step++) {
            EndpointSource source = sources[random.nextInt(sources.length)];
            Map<String, Endpoint> mine = model.get(source.id());
            String container = "c" + random.nextInt(30);
            String service = "svc" + random.nextInt(6);
            List<Endpoint> set = new ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                Endpoint e = endpoint(service, container, random.nextInt(40)).toBuilder().source(source.id())
                        .health(random.nextBoolean() ? Health.HEALTHY : Health.STARTING).build();
                set.add(e);
            }
            switch (random.nextInt(5)) {
                case 0 -> {
                    source.put(set);
                    set.forEach(e -> mine.put(e.id(), e));
                }
                case 1 -> {
                    List<String> ids = new ArrayList<>(mine.keySet());
                    List<String> gone = ids.isEmpty() ? List.of() : List.of(ids.get(random.nextInt(ids.size())));
                    source.remove(gone);
                    gone.forEach(mine::remove);
                }
                case 2 -> {
                    source.replaceContainer(container, set);
                    mine.values().removeIf(e -> e.containerId().equals(container));
                    set.forEach(e -> mine.put(e.id(), e));
                }
                case 3 -> {
                    List<String> ids = new ArrayList<>(mine.keySet());
                    if (!ids.isEmpty()) {
                        String id = ids.get(random.nextInt(ids.size()));
                        registry.drain(id, true);
                        registry.drain(id, false);
                    }
                }
                default -> {
                    if (random.nextInt(10) == 0) {
                        source.replaceAll(set);
                        mine.clear();
                        set.forEach(e -> mine.put(e.id(), e));
                    }
                }
            }
            List<Endpoint> everything = new ArrayList<>();
            model.values().forEach(m -> everything.addAll(m.values()));
            RegistrySnapshot fresh = new RegistrySnapshot(0, everything);
            RegistrySnapshot got = registry.snapshot();
            assertEquals(fresh.endpoints(), got.endpoints(), "step " + step);
            assertEquals(List.copyOf(fresh.services()), List.copyOf(got.services()), "step " + step);
            for (String s : fresh.services()) {
                assertEquals(fresh.service(s), got.service(s), "step " + step + " service " + s);
            }
            for (EndpointSource s : sources) {
                assertEquals(List.copyOf(model.get(s.id()).values()), s.endpoints(), "step " + step + " source " + s.id());
            }
        }
    }

    @Test
    void aContainerRepublishedWithEqualEndpointsKeepsTheObjectsItHeldAndChangesOnlyTheOneThatDiffers() throws Exception {
        EndpointSource file = registry.open("file:/s", s -> { });
        List<Endpoint> first = List.of(endpoint("s0", "file-s0", 1), endpoint("s0", "file-s0", 2), endpoint("s0", "file-s0", 3));
        file.replaceContainer("file-s0", first);
        BlockingQueue<RegistryChange> changes = new LinkedBlockingQueue<>();
        registry.addListener(changes::add);
        changes.poll(10, TimeUnit.SECONDS); // the catch-up
        Map<String, Endpoint> held = new HashMap<>();
        registry.snapshot().endpoints().forEach(e -> held.put(e.id(), e));

        // a rewrite: new objects, two equal to what is held, one moved elsewhere
        List<Endpoint> second = List.of(endpoint("s0", "file-s0", 1), endpoint("s0", "file-s0", 2), endpoint("s0", "file-s0", 9));
        file.replaceContainer("file-s0", second);
        RegistryChange change = changes.poll(10, TimeUnit.SECONDS);
        assertEquals(1, change.added().size());
        assertEquals(1, change.removed().size());
        assertEquals(0, change.updated().size());
        for (Endpoint e : registry.snapshot().endpoints()) {
            if (held.containsKey(e.id())) {
                assertSame(held.get(e.id()), e, "an unchanged endpoint stays the object the registry held");
            }
        }
        SourceEndpoints source = new SourceEndpoints();
        Endpoint a = endpoint("s0", "file-s0", 1);
        source.put(a);
        source.endEdit((old, now) -> { });
        source.removeContainer("file-s0");
        source.put(endpoint("s0", "file-s0", 1));
        List<Endpoint> reported = new ArrayList<>();
        source.endEdit((old, now) -> reported.add(now));
        assertSame(a, source.get(a.id()), "the source keeps the object it had for an equal endpoint");
        assertEquals(List.of(), reported);
        Endpoint drained = a.toBuilder().draining(true).build();
        source.put(drained);
        source.endEdit((old, now) -> reported.add(now));
        assertSame(drained, source.get(a.id()), "an endpoint that differs replaces it");
        assertEquals(List.of(drained), reported);
    }

    @Test
    void anEditThatThrowsHalfWayChangesNothing() {
        registry.open("docker:a", s -> { });
        EndpointSource source = registry.open("docker:b", s -> { });
        source.put(List.of(endpoint("web", "c1", 1), endpoint("web", "c1", 2)));
        RegistrySnapshot before = registry.snapshot();
        assertThrows(IllegalStateException.class, () -> registry.edit("docker:b", s -> {
            s.removeContainer("c1");
            s.put(endpoint("web", "c2", 3).toBuilder().source("docker:b").build());
            throw new IllegalStateException("half way");
        }));
        assertSame(before, registry.snapshot());
        source.replaceContainer("c1", List.of(endpoint("web", "c1", 2)));
        assertEquals(1, registry.snapshot().size(), "the source still knew both endpoints of c1: " + registry.snapshot().endpoints());
    }
}
