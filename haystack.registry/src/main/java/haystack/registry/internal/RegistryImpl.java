package haystack.registry.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.ReadinessGate;
import haystack.api.Registry;
import haystack.api.RegistryChange;
import haystack.api.RegistryListener;
import haystack.api.RegistrySnapshot;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry: one immutable snapshot behind a volatile reference for readers, each
 * change deriving the next from it in proportion to what changed (a file source may
 * rewrite a hundred services a second), writers serialised by one lock, and changes handed
 * in order to the {@link ChangeDispatcher}. Also registered under its own class so the
 * bundle-scoped {@link DiscoveryPublisherImpl} can reach it; that package is private.
 * Whether it is ready (every source synchronised) is decided by {@link Readiness} and
 * published as a snapshot like any other change.
 */
@Component(service = { Registry.class, RegistryImpl.class }, configurationPid = "haystack.registry",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = RegistryImpl.Config.class)
public final class RegistryImpl implements Registry {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryImpl.class);
    /** Seconds beyond the grace after which a framework that never finished starting no longer holds readiness back. */
    private static final long STARTING_BACKSTOP_SECONDS = 60;

    @ObjectClassDefinition(id = "haystack.registry", name = "Haystack registry", description = "The registry of endpoints")
    public @interface Config {
        @AttributeDefinition(description = "Seconds to wait, once every bundle has started, for every discovery source's first "
                + "synchronisation; then ready anyway, with a warning naming the late sources (HAYSTACK_START_GRACE)")
        int start_grace() default 30;
    }

    private final ReentrantLock writeLock = new ReentrantLock();
    /**
     * Each source's endpoints as it published them, per source id. Guarded by writeLock.
     * What readers see (operator drains and failing checks applied) is the current
     * snapshot: each change derives the next snapshot from it ({@link RegistrySnapshot#next}),
     * sharing everything the change did not touch.
     */
    private final Map<String, SourceEndpoints> sources = new HashMap<>();
    /** Ids of endpoints an operator drained. Guarded by writeLock. */
    private final Set<String> drainedByOperator = new HashSet<>();
    /** Ids of endpoints whose active health check fails (the load balancer's verdict). Guarded by writeLock. */
    private final Set<String> failingChecks = new HashSet<>();
    private final ChangeDispatcher dispatcher = new ChangeDispatcher();
    private final Readiness readiness;
    private final ReadinessGates gates = new ReadinessGates();
    /** How long the gates may take to catch up before the registry says ready anyway: the start grace. */
    private volatile Duration gateBound = Duration.ofSeconds(30);
    /** Whether published snapshots say ready. Written under writeLock. */
    private volatile boolean ready;
    private volatile RegistrySnapshot snapshot;
    private FrameworkStart frameworkStart;
    private volatile ScheduledExecutorService grace;

    /** A registry outside a framework (tests, benchmarks): ready from the start, there is nothing to wait for. */
    public RegistryImpl() {
        this(true);
    }

    /**
     * @param frameworkStarted false to wait for {@link #frameworkStarted()} too, as in a
     *                         framework still starting its bundles (tests of a source's readiness)
     */
    public RegistryImpl(boolean frameworkStarted) {
        this.readiness = new Readiness(frameworkStarted, this::becomeReady, this::onRegistryThread);
        this.ready = readiness.ready();
        this.snapshot = new RegistrySnapshot(0, List.of(), ready);
    }

    /** The registry in a framework: not ready before every bundle has started and every source synchronised, or the grace ended. */
    @Activate
    public RegistryImpl(BundleContext context, Config config) {
        this(false);
        long graceSeconds = Math.max(0, config.start_grace());
        gateBound = Duration.ofSeconds(graceSeconds);
        grace = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "haystack-registry-grace");
            t.setDaemon(true);
            return t;
        });
        // the grace counts from when every bundle has started (a slow start does not eat it);
        // a framework that never gets there is bounded too
        grace.schedule(() -> readiness.graceEnded(graceSeconds + STARTING_BACKSTOP_SECONDS), graceSeconds + STARTING_BACKSTOP_SECONDS,
                TimeUnit.SECONDS);
        frameworkStart = new FrameworkStart(context, () -> {
            readiness.frameworkStarted();
            try {
                grace.schedule(() -> readiness.graceEnded(graceSeconds), graceSeconds, TimeUnit.SECONDS);
            } catch (RejectedExecutionException deactivated) {
                // stopping: nothing to wait for
            }
        });
    }

    /** The grace applies at start only; nothing else to change. */
    @Modified
    void modified(Config config) {
        // a configuration written after activation must not restart the registry and every reader with it
    }

    @Override
    public RegistrySnapshot snapshot() {
        return snapshot;
    }

    @Override
    public boolean drain(String endpointId, boolean draining) {
        writeLock.lock();
        try {
            Endpoint current = snapshot.endpoint(endpointId).orElse(null);
            if (current == null) {
                return false;
            }
            boolean changed = draining ? drainedByOperator.add(endpointId) : drainedByOperator.remove(endpointId);
            if (changed) {
                Endpoint published = sources.get(current.source()).get(endpointId);
                Endpoint seen = asSeen(published);
                publish(List.of(), List.of(), List.of(seen));
                LOG.info("endpoint {} by operator service={} container={} endpoint={}", draining ? "drained" : "undrained",
                        seen.qualifiedName(), seen.containerName(), endpointId);
            }
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public boolean checkFailing(String endpointId, boolean failing) {
        writeLock.lock();
        try {
            Endpoint current = snapshot.endpoint(endpointId).orElse(null);
            if (current == null) {
                return false;
            }
            boolean changed = failing ? failingChecks.add(endpointId) : failingChecks.remove(endpointId);
            if (changed) {
                Endpoint seen = asSeen(sources.get(current.source()).get(endpointId));
                publish(List.of(), List.of(), List.of(seen));
            }
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addListener(RegistryListener listener) {
        writeLock.lock();
        try {
            dispatcher.add(listener, snapshot);
        } finally {
            writeLock.unlock();
        }
    }

    public void removeListener(RegistryListener listener) {
        dispatcher.remove(listener);
    }

    @Deactivate
    void deactivate() {
        if (frameworkStart != null) {
            frameworkStart.close();
        }
        if (grace != null) {
            grace.shutdownNow();
        }
        dispatcher.close();
    }

    Readiness readiness() {
        return readiness;
    }

    /** Every bundle has started: only sources still unsynchronised keep the registry unready. */
    public void frameworkStarted() {
        readiness.frameworkStarted();
    }

    /** Sources still awaited before the registry is ready. */
    Set<String> awaitedSources() {
        return readiness.awaited();
    }

    /** Opens a source that counts as synchronised from the start; its endpoints live until it is closed. */
    SourceImpl open(String id, Consumer<SourceImpl> onClose) {
        return open(id, onClose, false);
    }

    /**
     * Opens a source; its endpoints live until it is closed. When {@code unsynchronised},
     * the registry is not ready before the source says {@link SourceImpl#synchronised()}.
     */
    SourceImpl open(String id, Consumer<SourceImpl> onClose, boolean unsynchronised) {
        writeLock.lock();
        try {
            if (sources.containsKey(id)) {
                throw new IllegalStateException("discovery source '" + id + "' is open already");
            }
            sources.put(id, new SourceEndpoints());
            if (unsynchronised) {
                readiness.awaiting(id);
            }
        } finally {
            writeLock.unlock();
        }
        LOG.info("source opened source={} synchronised={}", id, !unsynchronised);
        return new SourceImpl(this, id, onClose);
    }

    /** Withdraws every endpoint of {@code sourceId} and forgets the source. */
    void close(String sourceId) {
        writeLock.lock();
        try {
            SourceEndpoints current = sources.get(sourceId);
            if (current == null) {
                return;
            }
            current.clear();
            apply(current);
            sources.remove(sourceId);
        } finally {
            writeLock.unlock();
        }
        LOG.info("source closed source={}", sourceId);
        readiness.closed(sourceId);
    }

    /** The source has finished its first synchronisation. */
    void synchronised(String sourceId) {
        readiness.synchronised(sourceId);
    }

    /** A service that must catch up with the registry before it says ready (the DNS zones). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addReadinessGate(ReadinessGate gate) {
        gates.add(gate);
    }

    void removeReadinessGate(ReadinessGate gate) {
        gates.remove(gate);
    }

    /**
     * Runs {@code task} on the registry's own thread (the grace timer's) where there is one,
     * else (outside a framework) at once; nothing when the registry is stopping.
     */
    private void onRegistryThread(Runnable task) {
        ScheduledExecutorService g = grace;
        if (g == null) {
            task.run();
            return;
        }
        try {
            g.execute(task);
        } catch (RejectedExecutionException stopping) {
            // deactivated: nobody is waiting for readiness any more
        }
    }

    /**
     * Publishes a snapshot that says ready (called once, by {@link Readiness}), once every
     * readiness gate serves the registry as it is now: outside the write lock, so sources
     * keep publishing meanwhile.
     */
    private void becomeReady() {
        gates.await(snapshot, gateBound);
        writeLock.lock();
        try {
            ready = true;
            publish(List.of(), List.of(), List.of());
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Runs {@code edit} on the source's endpoints and publishes the result as one change;
     * an edit that throws changes nothing. The edit runs under the write lock: keep it to
     * map operations.
     */
    void edit(String sourceId, Consumer<SourceEndpoints> edit) {
        writeLock.lock();
        try {
            SourceEndpoints current = sources.get(sourceId);
            if (current == null) {
                throw new IllegalStateException("discovery source '" + sourceId + "' is closed");
            }
            try {
                edit.accept(current);
            } catch (RuntimeException | Error e) {
                current.undoEdit();
                throw e;
            }
            apply(current);
        } finally {
            writeLock.unlock();
        }
    }

    List<Endpoint> endpointsOf(String sourceId) {
        RegistrySnapshot s = snapshot;
        return s.source(sourceId);
    }

    /** Publishes the edit just made to {@code source} as one change (nothing when it changed nothing). */
    private void apply(SourceEndpoints source) {
        List<Endpoint> added = new ArrayList<>();
        List<Endpoint> removed = new ArrayList<>();
        List<Endpoint> updated = new ArrayList<>();
        source.endEdit((old, now) -> {
            if (old == null) {
                added.add(asSeen(now));
            } else if (now == null) {
                // as readers saw it (drained, failing), and the marks go with it
                removed.add(snapshot.endpoint(old.id()).orElse(old));
                drainedByOperator.remove(old.id());
                failingChecks.remove(old.id());
            } else {
                if (!java.util.Objects.equals(old.healthCheck(), now.healthCheck())) {
                    failingChecks.remove(now.id()); // a new check (or none) starts from no verdict
                }
                updated.add(asSeen(now));
            }
        });
        if (added.isEmpty() && removed.isEmpty() && updated.isEmpty()) {
            return;
        }
        publish(added, removed, updated);
    }

    /** Swaps in the next snapshot and hands the change to the listeners. Under writeLock. */
    private void publish(List<Endpoint> added, List<Endpoint> removed, List<Endpoint> updated) {
        RegistrySnapshot previous = snapshot;
        List<Endpoint> put = new ArrayList<>(added.size() + updated.size());
        put.addAll(added);
        put.addAll(updated);
        RegistrySnapshot after = previous.next(previous.version() + 1, ready, removed.stream().map(Endpoint::id).toList(), put);
        snapshot = after;
        logNewlyShadowed(previous, after, put);
        dispatcher.dispatch(new RegistryChange(previous, after, added, removed, updated));
    }

    /**
     * Says once, when it starts, that a grouped endpoint's {@code <group>.<service>} name
     * is served by the service of that exact name instead (SPEC §3): nothing is dropped
     * silently. Only what the change put can start it: a grouped endpoint put now, or the
     * first ungrouped endpoint of a service (then every grouped endpoint is looked at: a
     * new exact name is rare, a change to a known service is not).
     */
    private static void logNewlyShadowed(RegistrySnapshot previous, RegistrySnapshot after, List<Endpoint> put) {
        Map<String, Endpoint> candidates = new java.util.LinkedHashMap<>();
        boolean newExactName = false;
        for (Endpoint e : put) {
            if (e.group() != null) {
                candidates.put(e.id(), e);
            } else if (!newExactName && previous.service(e.service()).stream().noneMatch(p -> p.group() == null)) {
                newExactName = true;
            }
        }
        if (newExactName) {
            for (Endpoint e : after.endpoints()) {
                if (e.group() != null) {
                    candidates.put(e.id(), e);
                }
            }
        }
        for (Endpoint e : candidates.values()) {
            if (after.shadowed(e) && !previous.endpoint(e.id()).map(previous::shadowed).orElse(false)) {
                LOG.warn("name taken by the exact service name={} container={} group={} service={} reason=a service is named {} as written; "
                        + "this container is not served under it", e.qualifiedName(), e.containerName(), e.group(), e.service(), e.qualifiedName());
            }
        }
    }

    /** The endpoint as readers see it: drained when an operator said so, unhealthy while its active check fails. */
    private Endpoint asSeen(Endpoint published) {
        boolean drain = drainedByOperator.contains(published.id()) && !published.draining();
        boolean fail = failingChecks.contains(published.id()) && published.health() != Health.UNHEALTHY;
        if (!drain && !fail) {
            return published;
        }
        Endpoint.Builder b = published.toBuilder();
        if (drain) {
            b.draining(true);
        }
        if (fail) {
            b.health(Health.UNHEALTHY);
        }
        return b.build();
    }

    static Map<String, Endpoint> byId(Collection<Endpoint> endpoints) {
        Map<String, Endpoint> map = new HashMap<>(endpoints.size() * 2);
        for (Endpoint e : endpoints) {
            map.put(e.id(), e);
        }
        return map;
    }
}
