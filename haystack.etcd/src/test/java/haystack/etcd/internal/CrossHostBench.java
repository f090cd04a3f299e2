package haystack.etcd.internal;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import haystack.api.Endpoint;
import haystack.api.discovery.EndpointSource;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import haystack.testing.EtcdServer;

/**
 * bench/converge/etcd.sh: the cross-host leg through a real etcd. Host A's registry gets N
 * endpoints one at a time (as its Docker source would publish them; after 10 for warm-up); prints p50/p99 of
 * "in A's registry → in B's registry" (one clock: both nodes in this JVM), the same for
 * removal, then churns 200 endpoints (add and remove, as fast as the registry takes them)
 * and prints the keys written and deleted per second and the writes per registry change.
 */
public final class CrossHostBench {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int churn = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path dir = Files.createTempDirectory("haystack-etcd-bench");
        try (EtcdServer etcd = EtcdServer.start(dir)) {
            RegistryImpl registryA = new RegistryImpl();
            RegistryImpl registryB = new RegistryImpl();
            DiscoveryPublisherImpl publisherA = new DiscoveryPublisherImpl(registryA);
            EndpointSource local = publisherA.open("docker:bench");
            EtcdKeys keys = new EtcdKeys("/haystack");
            EtcdSync a = EtcdDiscovery.open(client(etcd), keys, "host-a", 10, registryA, publisherA);
            registryA.addListener(change -> a.registryChanged());
            EtcdSync b = EtcdDiscovery.open(client(etcd), keys, "host-b", 10, registryB, new DiscoveryPublisherImpl(registryB));
            Map<String, Long> seenOnB = new ConcurrentHashMap<>();
            Map<String, Long> goneOnB = new ConcurrentHashMap<>();
            registryB.addListener(change -> {
                long now = System.nanoTime();
                change.added().forEach(e -> seenOnB.putIfAbsent(e.containerId(), now));
                change.removed().forEach(e -> goneOnB.putIfAbsent(e.containerId(), now));
            });
            await(() -> a.connected() && b.connected());

            for (int i = 0; i < 10; i++) { // warm-up: connections, JIT, etcd's first writes
                Endpoint e = endpoint("warm", i);
                local.put(List.of(e));
                await(() -> seenOnB.containsKey(e.containerId()));
                local.remove(List.of(e.id()));
                await(() -> goneOnB.containsKey(e.containerId()));
            }
            List<Long> add = new ArrayList<>();
            List<Long> remove = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Endpoint e = endpoint("bench", i);
                long t0 = System.nanoTime();
                local.put(List.of(e));
                await(() -> seenOnB.containsKey(e.containerId()));
                add.add(seenOnB.get(e.containerId()) - t0);
            }
            for (int i = 0; i < n; i++) {
                Endpoint e = endpoint("bench", i);
                long t0 = System.nanoTime();
                local.remove(List.of(e.id()));
                await(() -> goneOnB.containsKey(e.containerId()));
                remove.add(goneOnB.get(e.containerId()) - t0);
            }
            System.out.printf("cross-host (A registry -> B registry via etcd) n=%d add p50=%.2fms p99=%.2fms max=%.2fms; remove p50=%.2fms p99=%.2fms max=%.2fms%n",
                    n, ms(add, 50), ms(add, 99), ms(add, 100), ms(remove, 50), ms(remove, 99), ms(remove, 100));

            EtcdClient raw = client(etcd);
            List<Long> putTimes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long p0 = System.nanoTime();
                raw.put("/bench-raw/" + i, "x", 0);
                putTimes.add(System.nanoTime() - p0);
            }
            System.out.printf("for comparison, one etcd put through the gateway: p50=%.2fms p99=%.2fms%n", ms(putTimes, 50), ms(putTimes, 99));

            long puts0 = a.puts();
            long deletes0 = a.deletes();
            long t0 = System.nanoTime();
            int changes = 0;
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < churn; i++) {
                    local.put(List.of(endpoint("churn", i)));
                    changes++;
                }
                await(() -> registryB.snapshot().service("churn").size() == churn);
                for (int i = 0; i < churn; i++) {
                    local.remove(List.of(endpoint("churn", i).id()));
                    changes++;
                }
                await(() -> registryB.snapshot().service("churn").isEmpty());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long writes = (a.puts() - puts0) + (a.deletes() - deletes0);
            System.out.printf("churn: %d endpoints added one by one then removed one by one, 3 rounds (%d registry changes) in %.2fs, each round"
                    + " seen whole on B: etcd puts=%d deletes=%d, %.0f key writes/s, %.2f key writes per change (the rest coalesced)%n",
                    churn, changes, seconds, a.puts() - puts0, a.deletes() - deletes0, writes / seconds, (double) writes / changes);
            a.close();
            b.close();
        }
    }

    private static EtcdClient client(EtcdServer etcd) {
        return new EtcdClient(List.of(URI.create(etcd.url() + "/")), Duration.ofSeconds(3));
    }

    private static Endpoint endpoint(String service, int n) throws Exception {
        return Endpoint.builder().service(service).containerId(service + "-c" + n).containerName(service + "-" + n)
                .address(InetAddress.getByName("127.0." + (n / 250) + "." + (n % 250 + 1))).port(20000 + n).portName("http").build();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s");
            }
            Thread.onSpinWait();
            Thread.sleep(0, 200_000);
        }
    }

    private static double ms(List<Long> nanos, int percentile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1e6;
    }
}
