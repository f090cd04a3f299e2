package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import haystack.api.Endpoint;
import haystack.api.RegistryChange;
import haystack.api.RegistrySnapshot;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneProvider;
import haystack.api.zone.ZoneQuery;
import haystack.dns.internal.zones.NameChanges;
import haystack.dns.internal.zones.ServicesZone;
import haystack.dns.internal.zones.TrackedZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The zones are indexed for a new snapshot on the server's own thread when the registry
 * says it changed, before any query asks (start-up at 100,000 endpoints made the first
 * queries wait seconds on the index), never on the thread that delivered the change.
 */
class ZoneWarmerTest {

    /** A tracked zone that records who brought it to which snapshot. */
    private static final class RecordingZone implements ZoneProvider, TrackedZone {
        final List<String> threads = new CopyOnWriteArrayList<>();
        final List<Long> versions = new CopyOnWriteArrayList<>();
        /** How long a move takes: long enough that changes pile up while one is under way. */
        volatile long millis;
        private final NameChanges changes = new NameChanges();

        @Override
        public NameChanges changes() {
            return changes;
        }

        @Override
        public List<String> zones() {
            return List.of("recorded");
        }

        @Override
        public ZoneAnswer lookup(ZoneQuery query) {
            return ZoneAnswer.nxdomain();
        }

        @Override
        public void advance(RegistrySnapshot snapshot, String origin) {
            threads.add(Thread.currentThread().getName());
            versions.add(snapshot.version());
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final Endpoint web = DnsFixture.endpoint("web", "web-1", "10.0.0.5", 80, "http");
    private final AtomicReference<RegistrySnapshot> now = new AtomicReference<>(new RegistrySnapshot(1, List.of(web), true));
    private final RecordingZone recorded = new RecordingZone();
    private final DnsServer server = new DnsServer(DnsFixture.registryOf(now::get));

    @BeforeEach
    void start() throws Exception {
        server.addZoneProvider(new ServicesZone(List.of(InetAddress.getByName(DnsFixture.ADVERTISED))));
        server.addZoneProvider(recorded);
        server.start(DnsFixture.settings("haystack", List.of(), List.of("127.0.0.0/8"), 5));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void zonesFollowEachChangeWithoutAQuery() throws Exception {
        awaitWarmed(now.get());
        RegistrySnapshot before = now.get();
        RegistrySnapshot next = new RegistrySnapshot(2, List.of(web, DnsFixture.endpoint("api", "api-1", "10.0.0.6", 80, "http")), true);
        now.set(next);
        server.registryChanged(new RegistryChange(before, next, next.endpoints(), List.of(), List.of()));
        awaitWarmed(next);
        assertTrue(recorded.versions.contains(2L), "brought to the new snapshot: " + recorded.versions);
        assertFalse(recorded.threads.contains(Thread.currentThread().getName()), "not on the caller's thread: " + recorded.threads);
        assertTrue(recorded.threads.stream().allMatch("haystack-dns-zones"::equals), recorded.threads.toString());
    }

    @Test
    void manyChangesAtOnceAreOneMoveToTheNewest() throws Exception {
        awaitWarmed(now.get());
        recorded.millis = 50;
        int before = recorded.versions.size();
        RegistrySnapshot last = now.get();
        for (int v = 2; v <= 200; v++) {
            RegistrySnapshot next = new RegistrySnapshot(v, List.of(web), true);
            now.set(next);
            server.registryChanged(new RegistryChange(last, next, List.of(), List.of(), List.of()));
            last = next;
        }
        awaitWarmed(last);
        int moves = recorded.versions.size() - before;
        assertTrue(moves >= 1 && moves < 199, "changes that came together were taken together: " + moves + " moves");
        assertEquals(200L, recorded.versions.get(recorded.versions.size() - 1));
    }

    private void awaitWarmed(RegistrySnapshot s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.warmed() != s && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertSame(s, server.warmed(), "zones indexed for version " + s.version());
    }
}
