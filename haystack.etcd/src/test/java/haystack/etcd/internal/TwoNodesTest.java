package haystack.etcd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.discovery.EndpointSource;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import haystack.testing.EtcdServer;
import haystack.testing.RequiresEtcd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes in one JVM, each its own registry, local source and etcd sync, on a real etcd
 * started for each test: what one node's sources find, the other serves; what goes, goes.
 */
@RequiresEtcd
class TwoNodesTest {

    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private EtcdServer etcd;
    private final List<Node> nodes = new ArrayList<>();

    /** One Haystack as far as etcd is concerned: a registry, a local ("docker") source, the sync. */
    final class Node implements AutoCloseable {
        final String name;
        final RegistryImpl registry = new RegistryImpl();
        final EndpointSource local;
        final EtcdSync sync;

        Node(String name, long ttl, String... urls) {
            this.name = name;
            DiscoveryPublisherImpl publisher = new DiscoveryPublisherImpl(registry);
            local = publisher.open("docker:test-" + name);
            List<URI> endpoints = EtcdDiscovery.endpoints(urls.length == 0 ? new String[] { etcd.url() } : urls);
            sync = EtcdDiscovery.open(new EtcdClient(endpoints, Duration.ofSeconds(3)), new EtcdKeys("/haystack"), name, ttl, registry,
                    publisher);
            registry.addListener(change -> sync.registryChanged());
            nodes.add(this);
        }

        /** Endpoint summaries ("service container address:port health") this node learned from others. */
        Set<String> remote() {
            return registry.snapshot().endpoints().stream().filter(e -> e.source().startsWith("etcd:")).map(TwoNodesTest::summary)
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        Set<String> localSummaries() {
            return local.endpoints().stream().map(TwoNodesTest::summary).collect(Collectors.toCollection(TreeSet::new));
        }

        @Override
        public void close() {
            sync.close();
            local.close();
        }
    }

    @BeforeEach
    void startEtcd() throws Exception {
        etcd = EtcdServer.start(dir.resolve("etcd"));
    }

    @AfterEach
    void stopAll() throws Exception {
        nodes.forEach(Node::close);
        etcd.close();
    }

    static String summary(Endpoint e) {
        return e.service() + " " + e.containerName() + " " + e.address().getHostAddress() + ":" + e.port() + " " + e.health().label();
    }

    static Endpoint endpoint(String service, int n) throws Exception {
        return Endpoint.builder().service(service).containerId("c" + n).containerName(service + "-" + n)
                .address(InetAddress.getByName("127.0.0." + (n % 250 + 1))).port(20000 + n).portName("http").build();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<Object> seen) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not within " + timeout + "; seen: " + seen.get());
            }
            Thread.sleep(20);
        }
    }

    static void awaitSame(Node reader, Node writer, Duration timeout) throws InterruptedException {
        await(reader.name + " serves exactly what " + writer.name + " found", timeout,
                () -> reader.remote().equals(writer.localSummaries()), () -> reader.remote() + " vs " + writer.localSummaries());
    }

    @Test
    void anEndpointFoundOnAIsServedOnBAndGoneFromBWhenGoneFromA() throws Exception {
        Node a = new Node("host-a", 10);
        Node b = new Node("host-b", 10);
        a.local.put(List.of(endpoint("whoami", 1), endpoint("hello/v1", 2)));
        b.local.put(List.of(endpoint("redis", 3)));
        awaitSame(b, a, PROMPTLY);
        awaitSame(a, b, PROMPTLY);
        Endpoint onB = b.registry.snapshot().service("hello/v1").get(0);
        assertEquals("etcd:host-a", onB.source(), "the node it came from");

        a.local.put(List.of(endpoint("whoami", 1).toBuilder().health(Health.UNHEALTHY).build()));
        awaitSame(b, a, PROMPTLY);
        a.local.remove(List.of(endpoint("hello/v1", 2).id()));
        awaitSame(b, a, PROMPTLY);
        assertTrue(b.registry.snapshot().service("hello/v1").isEmpty());

        // Neither node ever publishes what it learned: each has exactly its own keys.
        assertEquals(1, a.sync.nodes().get("host-b"));
        assertEquals(1, b.sync.nodes().get("host-a"));
        assertEquals(Set.of("host-a"), b.sync.nodes().keySet());
        String shown = new EtcdCommand(b.sync, "host-b", "/haystack").etcd();
        assertTrue(shown.startsWith("etcd connected endpoint=" + etcd.url() + "/ node=host-b prefix=/haystack\nlease "), shown);
        assertTrue(shown.contains("\nnode host-a endpoints=1\n"), shown);
        assertTrue(new EtcdCommand(null, "", "").etcd().startsWith("etcd off"));
        EtcdClient reader = new EtcdClient(List.of(URI.create(etcd.url() + "/")), Duration.ofSeconds(3));
        assertEquals(2, reader.range("/haystack/", "/haystack0").kvs().size());
    }

    @Test
    void aCleanStopRevokesTheLeaseSoTheNodeVanishesAtOnce() throws Exception {
        Node a = new Node("host-a", 30);
        Node b = new Node("host-b", 30);
        a.local.put(List.of(endpoint("whoami", 1), endpoint("whoami", 2)));
        awaitSame(b, a, PROMPTLY);
        a.close();
        nodes.remove(a);
        await("host-a's endpoints gone from host-b well before its 30 s TTL", PROMPTLY, () -> b.remote().isEmpty(), b::remote);
    }

    @Test
    void aNodeThatDiesVanishesWhenItsLeaseExpires() throws Exception {
        Node a = new Node("host-a", 3);
        Node b = new Node("host-b", 3);
        a.local.put(List.of(endpoint("whoami", 1)));
        awaitSame(b, a, PROMPTLY);
        long killedAt = System.nanoTime();
        a.sync.abandon(); // as kill -9: no more keepalives, no revoke
        Thread.sleep(1000);
        assertEquals(1, b.remote().size(), "still there while the lease lives");
        await("host-a's endpoints gone from host-b within the TTL", Duration.ofSeconds(3 + 5), () -> b.remote().isEmpty(), b::remote);
        long goneAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
        assertTrue(goneAfterMs >= 2000, "not before the lease expired: " + goneAfterMs + " ms");

        // host-a back under the same name: its endpoints are back, and its earlier keys do not linger.
        nodes.remove(a);
        a.local.close();
        Node again = new Node("host-a", 3);
        again.local.put(List.of(endpoint("whoami", 5)));
        awaitSame(b, again, PROMPTLY);
    }

    @Test
    void aRestartedNodeDeletesItsEarlierKeysAtOnceInsteadOfWaitingForTheirLease() throws Exception {
        Node a = new Node("host-a", 30);
        Node b = new Node("host-b", 30);
        a.local.put(List.of(endpoint("whoami", 1), endpoint("whoami", 2)));
        awaitSame(b, a, PROMPTLY);
        a.sync.abandon();
        nodes.remove(a);
        a.local.close();
        Node again = new Node("host-a", 30);
        again.local.put(List.of(endpoint("whoami", 2)));
        awaitSame(b, again, PROMPTLY);
    }

    @Test
    void etcdKilledAndRestartedWhileAChangesLeavesBExact() throws Exception {
        Node a = new Node("host-a", 5);
        Node b = new Node("host-b", 5);
        for (int i = 1; i <= 10; i++) {
            a.local.put(List.of(endpoint("churn", i)));
        }
        awaitSame(b, a, PROMPTLY);
        etcd.kill();
        for (int i = 1; i <= 5; i++) {
            a.local.remove(List.of(endpoint("churn", i).id()));
        }
        for (int i = 11; i <= 15; i++) {
            a.local.put(List.of(endpoint("churn", i)));
        }
        a.local.put(List.of(endpoint("churn", 7).toBuilder().health(Health.UNHEALTHY).build()));
        Thread.sleep(1500);
        etcd.start();
        awaitSame(b, a, Duration.ofSeconds(15));
        // and it keeps following after the restart
        a.local.remove(List.of(endpoint("churn", 15).id()));
        awaitSame(b, a, PROMPTLY);
        assertTrue(a.sync.resyncs() >= 2 && b.sync.resyncs() >= 2, "both read everything again");
    }

    @Test
    void etcdDownLongerThanTheTtlStillEndsExact() throws Exception {
        Node a = new Node("host-a", 2);
        Node b = new Node("host-b", 2);
        a.local.put(List.of(endpoint("whoami", 1), endpoint("whoami", 2)));
        awaitSame(b, a, PROMPTLY);
        etcd.kill();
        a.local.remove(List.of(endpoint("whoami", 1).id()));
        a.local.put(List.of(endpoint("whoami", 3)));
        Thread.sleep(4000);
        etcd.start();
        awaitSame(b, a, Duration.ofSeconds(15));
        Thread.sleep(4000); // longer than the TTL: the lease in use is alive
        awaitSame(b, a, PROMPTLY);
    }

    @Test
    void garbageUnderThePrefixIsLoggedOnceAndIgnored() throws Exception {
        EtcdClient other = new EtcdClient(List.of(URI.create(etcd.url() + "/")), Duration.ofSeconds(3));
        other.put("/haystack/someone-elses-key", "hello", 0);
        other.put("/haystack/web/host-x/bad", "{not json", 0);
        Node a = new Node("host-a", 10);
        Node b = new Node("host-b", 10);
        a.local.put(List.of(endpoint("whoami", 1)));
        awaitSame(b, a, PROMPTLY);
        other.put("/haystack/web/host-x/bad2", "{\"service\":\"web\"}", 0);
        other.put("/haystack/web/host-x/good", EndpointCodec.write(endpoint("web", 9), "host-x"), 0);
        await("host-x's good key taken in", PROMPTLY, () -> b.remote().contains("web web-9 127.0.0.10:20009 unknown"), b::remote);
        assertEquals(3, b.sync.ignoredLogged(), "each garbage key logged once");
        // a resync reads them all again: not logged again
        etcd.kill();
        etcd.start();
        await("resynchronised", Duration.ofSeconds(15), () -> b.sync.resyncs() >= 2 && b.sync.connected(), () -> b.sync.resyncs());
        assertEquals(3, b.sync.ignoredLogged(), "each garbage key logged once, even after a resync");
        assertEquals(Set.of("web web-9 127.0.0.10:20009 unknown", "whoami whoami-1 127.0.0.2:20001 unknown"), b.remote());
        // garbage replaced by a good value is taken in; a good value turned garbage goes
        other.put("/haystack/web/host-x/bad", EndpointCodec.write(endpoint("web", 8), "host-x"), 0);
        other.put("/haystack/web/host-x/good", "garbage", 0);
        await("fixed key in, broken key out", PROMPTLY,
                () -> b.remote().equals(Set.of("web web-8 127.0.0.9:20008 unknown", "whoami whoami-1 127.0.0.2:20001 unknown")), b::remote);
    }

    @Test
    void theFirstEndpointDownTheSecondServes() throws Exception {
        String dead = "http://127.0.0.1:" + freePort();
        Node a = new Node("host-a", 5, dead, etcd.url());
        Node b = new Node("host-b", 5, dead, etcd.url());
        a.local.put(List.of(endpoint("whoami", 1)));
        awaitSame(b, a, PROMPTLY);
        assertEquals(URI.create(etcd.url() + "/"), a.sync.endpoint());
        Thread.sleep(2500); // keepalives go on through the live endpoint
        a.local.put(List.of(endpoint("whoami", 2)));
        awaitSame(b, a, PROMPTLY);
    }

    @Test
    void ownKeysDeletedBehindTheNodesBackAreWrittenAgain() throws Exception {
        Node a = new Node("host-a", 10);
        Node b = new Node("host-b", 10);
        a.local.put(List.of(endpoint("whoami", 1)));
        awaitSame(b, a, PROMPTLY);
        EtcdClient other = new EtcdClient(List.of(URI.create(etcd.url() + "/")), Duration.ofSeconds(3));
        other.delete(new EtcdKeys("/haystack").key("whoami", "host-a", a.local.endpoints().get(0).id()));
        Thread.sleep(500);
        awaitSame(b, a, PROMPTLY);
        assertEquals(1, other.range("/haystack/", "/haystack0").kvs().size());
    }

    @Test
    void aLeaseLostBehindTheNodesBackIsGrantedAgainAndEverythingRepublished() throws Exception {
        Node a = new Node("host-a", 10);
        Node b = new Node("host-b", 10);
        a.local.put(List.of(endpoint("whoami", 1), endpoint("whoami", 2)));
        awaitSame(b, a, PROMPTLY);
        long first = a.sync.lease();
        EtcdClient other = new EtcdClient(List.of(URI.create(etcd.url() + "/")), Duration.ofSeconds(3));
        other.revoke(first); // as an expiry would: every key of host-a deleted
        await("host-a under a new lease", PROMPTLY, () -> a.sync.lease() != first && a.sync.lease() != 0, a.sync::lease);
        awaitSame(b, a, PROMPTLY);
        assertEquals(2, other.range("/haystack/", "/haystack0").kvs().size());
    }

    @Test
    void twoThousandEndpointsCrossInTransactionsWellWithinAShortLease() throws Exception {
        Node a = new Node("host-a", 2);
        Node b = new Node("host-b", 2);
        List<Endpoint> many = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            many.add(endpoint("bulk", i).toBuilder().address(InetAddress.getByName("10.1." + (i / 250) + "." + (i % 250 + 1))).build());
        }
        a.local.put(many);
        awaitSame(b, a, Duration.ofSeconds(20));
        etcd.kill();
        etcd.start();
        awaitSame(b, a, Duration.ofSeconds(20));
        Thread.sleep(3000); // longer than the TTL: the lease in use is kept alive
        awaitSame(b, a, PROMPTLY);
        assertTrue(a.sync.puts() < 2 * 2000 + 10, "written once, and once more after etcd came back at most: " + a.sync.puts());
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
