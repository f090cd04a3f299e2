package haystack.etcd.internal;

import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import haystack.api.discovery.EndpointSource;
import haystack.docker.internal.ContainerEndpoints;
import haystack.docker.internal.DockerClients;
import haystack.docker.internal.HostWatcher;
import haystack.docker.internal.PortNames;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import haystack.testing.BusyboxImage;
import haystack.testing.EtcdServer;
import haystack.testing.ConvergenceReport;

/**
 * bench/converge/etcd.sh docker: the whole cross-host path on this machine. Host A follows
 * the real Docker engine (haystack.docker's watcher) and publishes to a real etcd; host B
 * only watches etcd. Prints p50/p99 of Docker's start event → endpoint in B's registry
 * (what B's DNS and load balancer read) over N containers, beside start event → A's
 * registry; die event → gone from B; then the etcd writes while M containers churn
 * (all started, then all stopped). Event times are the engine's clock, the others this
 * host's: the same machine.
 */
public final class DockerCrossHostBench {

    private static final URI SOCKET = URI.create("unix:///var/run/docker.sock");
    private static final String LABEL = "haystack.bench";

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int churn = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        String prefix = "xh" + UUID.randomUUID().toString().substring(0, 6);
        DockerClient docker = DockerClients.create(SOCKET, null);
        String image = BusyboxImage.name();
        Map<String, Long> startEvent = new ConcurrentHashMap<>();
        Map<String, Long> dieEvent = new ConcurrentHashMap<>();
        Map<String, Long> onA = new ConcurrentHashMap<>();
        Map<String, Long> onB = new ConcurrentHashMap<>();
        Map<String, Long> goneB = new ConcurrentHashMap<>();
        ResultCallback.Adapter<Event> events = docker.eventsCmd().withEventTypeFilter(EventType.CONTAINER)
                .exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Event e) {
                        if (e.getTimeNano() == null) {
                            return;
                        }
                        if ("start".equals(e.getAction())) {
                            startEvent.putIfAbsent(e.getId(), e.getTimeNano());
                        } else if ("die".equals(e.getAction())) {
                            dieEvent.putIfAbsent(e.getId(), e.getTimeNano());
                        }
                    }
                });
        try (EtcdServer etcd = EtcdServer.start(Files.createTempDirectory("haystack-etcd-bench"))) {
            RegistryImpl registryA = new RegistryImpl();
            RegistryImpl registryB = new RegistryImpl();
            DiscoveryPublisherImpl publisherA = new DiscoveryPublisherImpl(registryA);
            registryA.addListener(c -> c.added().forEach(e -> onA.putIfAbsent(e.containerId(), now())));
            registryB.addListener(c -> {
                long t = now();
                c.added().forEach(e -> onB.putIfAbsent(e.containerId(), t));
                c.removed().forEach(e -> goneB.putIfAbsent(e.containerId(), t));
            });
            EtcdKeys keys = new EtcdKeys("/haystack");
            EtcdSync a = EtcdDiscovery.open(client(etcd), keys, "host-a", 10, registryA, publisherA);
            registryA.addListener(change -> a.registryChanged());
            EtcdSync b = EtcdDiscovery.open(client(etcd), keys, "host-b", 10, registryB, new DiscoveryPublisherImpl(registryB));
            String sourceId = "docker:" + SOCKET;
            EndpointSource source = publisherA.open(sourceId);
            ContainerEndpoints rules = new ContainerEndpoints(sourceId, SOCKET.toString(), PortNames.iana(), false, List.of());
            try (HostWatcher watcher = new HostWatcher(SOCKET.toString(), () -> DockerClients.create(SOCKET, null), source, rules).start()) {
                await(() -> watcher.connected() && a.connected() && b.connected());
                List<String> warm = startAll(docker, image, prefix + "-warm", 5, 1);
                await(() -> warm.stream().allMatch(onB::containsKey));
                stopAll(docker, warm);
                await(() -> warm.stream().allMatch(goneB::containsKey));

                List<String> ids = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ids.addAll(startAll(docker, image, prefix + "-bench-" + i, 1, 1));
                    Thread.sleep(50); // one at a time, as a deploy does
                }
                await(() -> ids.stream().allMatch(onB::containsKey));
                stopAll(docker, ids);
                await(() -> ids.stream().allMatch(goneB::containsKey));
                System.out.printf("cross-host via etcd: %d containers%n", n);
                ConvergenceReport.print("start event -> host A's registry", ids, startEvent, onA);
                ConvergenceReport.print("start event -> host B's registry", ids, startEvent, onB);
                ConvergenceReport.print("die event   -> gone from host B ", ids, dieEvent, goneB);

                long puts0 = a.puts();
                long deletes0 = a.deletes();
                long t0 = System.nanoTime();
                List<String> many = startAll(docker, image, prefix + "-churn", churn, 4);
                await(() -> many.stream().allMatch(onB::containsKey));
                stopAll(docker, many);
                await(() -> many.stream().allMatch(goneB::containsKey));
                double seconds = (System.nanoTime() - t0) / 1e9;
                long puts = a.puts() - puts0;
                long deletes = a.deletes() - deletes0;
                System.out.printf("churn: %d containers started then stopped in %.1fs: etcd puts=%d deletes=%d (%.1f writes per container, %.0f writes/s)%n",
                        churn, seconds, puts, deletes, (double) (puts + deletes) / churn, (puts + deletes) / seconds);
            } finally {
                source.close();
                a.close();
                b.close();
            }
        } finally {
            events.close();
            for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL, prefix)).exec()) {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            }
        }
        System.exit(0);
    }

    private static List<String> startAll(DockerClient docker, String image, String name, int count, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> started = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String each = count == 1 ? name : name + "-" + i;
                started.add(pool.submit(() -> {
                    String id = docker.createContainerCmd(image).withName(each).withLabels(Map.of(LABEL, name.substring(0, name.indexOf('-'))))
                            .withExposedPorts(com.github.dockerjava.api.model.ExposedPort.tcp(80))
                            .withCmd("sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait").exec().getId();
                    docker.startContainerCmd(id).exec();
                    return id;
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : started) {
                ids.add(f.get(120, TimeUnit.SECONDS));
            }
            return ids;
        } finally {
            pool.shutdown();
        }
    }

    private static void stopAll(DockerClient docker, List<String> ids) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (String id : ids) {
            pool.submit(() -> docker.stopContainerCmd(id).withTimeout(5).exec());
        }
        pool.shutdown();
        pool.awaitTermination(300, TimeUnit.SECONDS);
    }

    private static EtcdClient client(EtcdServer etcd) {
        return new EtcdClient(List.of(URI.create(etcd.url() + "/")), Duration.ofSeconds(3));
    }

    private static long now() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within 300 s");
            }
            Thread.sleep(5);
        }
    }
}
