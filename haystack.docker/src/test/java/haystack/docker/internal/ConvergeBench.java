package haystack.docker.internal;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import haystack.api.Endpoint;
import haystack.api.RegistryChange;
import haystack.api.RegistryListener;
import haystack.api.discovery.EndpointSource;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import haystack.testing.ConvergenceReport;

/**
 * bench/converge: how fast the registry follows the engine. Starts N busybox containers,
 * waits for all to be registered, stops them all, and prints p50/p99 of: engine start
 * event → endpoint in the registry; kill event → draining; die event → gone; and, from the
 * client's side, docker stop → draining and → gone. Times are the engine's event clock and
 * this host's clock (the same machine). Run by bench/converge/run.sh.
 */
public final class ConvergeBench {

    private static final class Times {
        final Map<String, Long> start = new ConcurrentHashMap<>();
        final Map<String, Long> kill = new ConcurrentHashMap<>();
        final Map<String, Long> die = new ConcurrentHashMap<>();
        final Map<String, Long> dieReceived = new ConcurrentHashMap<>();
        final Map<String, Long> stopCall = new ConcurrentHashMap<>();
        final Map<String, Long> registered = new ConcurrentHashMap<>();
        final Map<String, Long> draining = new ConcurrentHashMap<>();
        final Map<String, Long> gone = new ConcurrentHashMap<>();
    }

    static long nowNanos() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Times t = new Times();
        RegistryImpl registry = new RegistryImpl();
        try (EngineFixture engine = new EngineFixture()) {
            registry.addListener(new RegistryListener() {
                @Override
                public void registryChanged(RegistryChange change) {
                    long now = nowNanos();
                    for (Endpoint e : change.added()) {
                        if (e.containerName().startsWith(engine.prefix)) {
                            t.registered.putIfAbsent(e.containerId(), now);
                        }
                    }
                    for (Endpoint e : change.updated()) {
                        if (e.draining() && e.containerName().startsWith(engine.prefix)) {
                            t.draining.putIfAbsent(e.containerId(), now);
                        }
                    }
                    for (Endpoint e : change.removed()) {
                        if (e.containerName().startsWith(engine.prefix)) {
                            t.gone.putIfAbsent(e.containerId(), now);
                        }
                    }
                }
            });
            ResultCallback.Adapter<Event> events = engine.client.eventsCmd().withEventTypeFilter(EventType.CONTAINER)
                    .exec(new ResultCallback.Adapter<>() {
                        @Override
                        public void onNext(Event e) {
                            String a = e.getAction() == null ? "" : e.getAction();
                            Map<String, Long> m = switch (a) {
                                case "start" -> t.start;
                                case "kill" -> t.kill;
                                case "die" -> t.die;
                                default -> null;
                            };
                            if (m != null && e.getTimeNano() != null) {
                                m.putIfAbsent(e.getId(), e.getTimeNano());
                            }
                            if ("die".equals(a)) {
                                t.dieReceived.putIfAbsent(e.getId(), nowNanos());
                            }
                        }
                    });
            URI socket = EngineFixture.SOCKET;
            EndpointSource source = new DiscoveryPublisherImpl(registry).open("docker:" + socket);
            ContainerEndpoints rules = new ContainerEndpoints("docker:" + socket, socket.toString(), PortNames.iana(), false, List.of());
            try (HostWatcher watcher = new HostWatcher(socket.toString(), () -> DockerClients.create(socket, null), source, rules).start()) {
                waitFor("watcher connected", watcher::connected);
                // warm-up, not measured: the JIT compiles the event path on a few containers first
                List<String> warm = new ArrayList<>();
                for (int i = 1; i <= 5; i++) {
                    warm.add(engine.start(engine.container("warm-" + i).withCmd("sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait")));
                }
                waitFor("warm-up registered", () -> warm.stream().allMatch(t.registered::containsKey));
                for (String id : warm) {
                    engine.client.stopContainerCmd(id).withTimeout(5).exec();
                }
                waitFor("warm-up gone", () -> warm.stream().allMatch(t.gone::containsKey));
                List<String> ids = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    // a shell that exits on SIGTERM, so docker stop is quick (kill, then die)
                    ids.add(engine.start(engine.container("bench-" + i)
                            .withCmd("sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait")));
                }
                waitFor("all registered", () -> ids.stream().allMatch(t.registered::containsKey));
                ExecutorService stoppers = Executors.newFixedThreadPool(4);
                for (String id : ids) {
                    stoppers.submit(() -> {
                        t.stopCall.put(id, nowNanos());
                        engine.client.stopContainerCmd(id).withTimeout(5).exec();
                    });
                    Thread.sleep(20);
                }
                stoppers.shutdown();
                stoppers.awaitTermination(120, TimeUnit.SECONDS);
                waitFor("all gone", () -> ids.stream().allMatch(t.gone::containsKey));
                System.out.printf("converge: %d containers on %s%n", n, socket);
                ConvergenceReport.print("die event   -> a client receives it (floor)", ids, t.die, t.dieReceived);
                ConvergenceReport.print("die received by a client -> gone (Haystack's own share)", ids, t.dieReceived, t.gone);
                ConvergenceReport.print("start event -> registered", ids, t.start, t.registered);
                ConvergenceReport.print("kill event  -> draining  ", ids, t.kill, t.draining);
                ConvergenceReport.print("die event   -> gone      ", ids, t.die, t.gone);
                ConvergenceReport.print("docker stop -> draining  ", ids, t.stopCall, t.draining);
                ConvergenceReport.print("docker stop -> gone      ", ids, t.stopCall, t.gone);
            } finally {
                events.close();
                source.close();
            }
        }
        System.exit(0);
    }

    private static void waitFor(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within 120s: " + what);
            }
            Thread.sleep(10);
        }
    }
}
