package haystack.docker.internal;

import java.time.Duration;
import java.util.function.Supplier;

import com.github.dockerjava.api.DockerClient;
import haystack.api.discovery.EndpointSource;
import haystack.api.trace.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one Docker host's containers in the registry for as long as it runs: connects,
 * syncs and follows events through an {@link EngineSession}; when the engine goes away
 * (daemon restart, socket gone, TCP cut, or silent and not answering a ping: a host that
 * vanished behind a half-open connection) it retries with capped exponential backoff and,
 * once back, replaces the host's whole set. One log line when lost, one when back.
 * While the engine is away the last known endpoints stay: containers usually outlive a
 * lost connection, and the resync on return removes whatever did not.
 */
public final class HostWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostWatcher.class);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    static final Duration DEFAULT_LIVENESS = Duration.ofSeconds(10);

    private final String host;
    private final Duration liveness;
    private final Supplier<DockerClient> clients;
    private final ContainerTracker tracker;
    private final EndpointSource source;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile EngineSession session;
    private volatile boolean connected;
    /** Connections made again after the engine was lost or unreachable. */
    private final java.util.concurrent.atomic.LongAdder reconnects = new java.util.concurrent.atomic.LongAdder();

    /**
     * @param clients makes a fresh client for each connection attempt (a client whose
     *                engine went away is closed, not reused)
     */
    public HostWatcher(String host, Supplier<DockerClient> clients, EndpointSource source, ContainerEndpoints rules) {
        this(host, clients, source, rules, DEFAULT_LIVENESS);
    }

    /** @param liveness how long the engine may be silent before it is pinged, and how long the ping may take */
    public HostWatcher(String host, Supplier<DockerClient> clients, EndpointSource source, ContainerEndpoints rules, Duration liveness) {
        this.liveness = liveness;
        this.host = host;
        this.clients = clients;
        this.tracker = new ContainerTracker(host, source, rules);
        this.source = source;
        this.thread = new Thread(this::run, "haystack-docker " + host);
        this.thread.setDaemon(true);
    }

    /** Traces this host's engine events to {@code tracer}. */
    public HostWatcher tracing(Tracer tracer) {
        tracker.tracer(tracer);
        return this;
    }

    public HostWatcher start() {
        thread.start();
        return this;
    }

    /** Whether the last sync succeeded and its event stream is still open. */
    public boolean connected() {
        return connected;
    }

    public String host() {
        return host;
    }

    /** Engine events received so far. */
    public long events() {
        return tracker.events();
    }

    /** Times the engine was connected again after it had been lost or unreachable. */
    public long reconnects() {
        return reconnects.sum();
    }

    private void run() {
        long backoff = FIRST_BACKOFF.toMillis();
        long lostAt = 0;
        boolean lost = false;
        boolean first = true;
        while (!stopped) {
            Throwable cause;
            try (DockerClient client = clients.get(); EngineSession s = new EngineSession(client, tracker, liveness)) {
                session = s;
                int[] counts = s.sync();
                connected = true;
                source.synchronised();
                backoff = FIRST_BACKOFF.toMillis();
                if (lost) {
                    reconnects.increment();
                    LOG.info("docker engine back host={} containers={} endpoints={} downMs={}", host, counts[0], counts[1],
                            System.currentTimeMillis() - lostAt);
                } else {
                    LOG.info("docker engine connected host={} containers={} endpoints={}", host, counts[0], counts[1]);
                }
                lost = false;
                first = false;
                cause = s.follow();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception | LinkageError e) {
                cause = e;
            } finally {
                connected = false;
                session = null;
            }
            if (stopped) {
                return;
            }
            if (!lost) {
                lost = true;
                lostAt = System.currentTimeMillis();
                LOG.warn("docker engine {} host={} reason={} retry=backoff up to {}s", first ? "unreachable" : "lost", host,
                        reason(cause), MAX_BACKOFF.toSeconds());
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
        }
    }

    private static String reason(Throwable t) {
        if (t == null) {
            return "stream ended";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** Stops watching; waits a bounded time for the thread. The caller closes the source. */
    @Override
    public void close() {
        stopped = true;
        EngineSession s = session;
        if (s != null) {
            s.close();
        }
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
