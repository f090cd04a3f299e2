package haystack.lb.internal.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import haystack.api.Endpoint;
import haystack.api.HealthCheck;
import haystack.lb.internal.routing.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks (HTTP GET of a path, or TCP connect; interval, rise, fall) of every
 * endpoint in the registry that asks for one, whatever its port, and the probes that
 * re-admit passively ejected backends.
 *
 * <p>An active check's verdict goes to the registry ({@link Verdicts}), which then shows the
 * endpoint unhealthy to every reader: DNS drops it from A/AAAA and SRV answers as the
 * balancer drops it from its pools, one health model. Passive ejection stays here: it
 * judges this balancer's own connections to a backend (a reset, a timeout on a busy
 * path), not whether the endpoint serves, and clients resolving it by DNS connect on
 * their own; it ends with the next successful probe and calls {@code onChange}, which
 * rebuilds the routing tables.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    /** Where active checks' verdicts go: the registry. */
    @FunctionalInterface
    public interface Verdicts {
        /** No registry to tell (unit tests of the balancer alone): active checks change nothing. */
        Verdicts NONE = (id, failing) -> false;

        /** Tells the verdict; false when it could not be told (no registry yet, unknown endpoint): it is told again after the next probe. */
        boolean failing(String endpointId, boolean failing);
    }

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "haystack-lb-health");
        t.setDaemon(true);
        return t;
    });
    /** Re-admission probes by backend id. */
    private final Map<String, ScheduledFuture<?>> passive = new ConcurrentHashMap<>();
    /** Active checks by endpoint id. */
    private final Map<String, ActiveCheck> active = new ConcurrentHashMap<>();
    private final long passiveProbeMs;
    private final int connectTimeoutMs;
    private final Runnable onChange;
    private final Verdicts verdicts;

    public HealthMonitor(long passiveProbeMs, int connectTimeoutMs, Runnable onChange, Verdicts verdicts) {
        this.passiveProbeMs = passiveProbeMs;
        this.connectTimeoutMs = connectTimeoutMs;
        this.onChange = onChange;
        this.verdicts = verdicts;
    }

    /** Starts probing {@code backend} while it is ejected (once per endpoint id). */
    public void track(Backend backend) {
        passive.computeIfAbsent(backend.id(), id -> scheduler.scheduleWithFixedDelay(new Readmission(backend), passiveProbeMs,
                passiveProbeMs, TimeUnit.MILLISECONDS));
    }

    public void untrack(String backendId) {
        ScheduledFuture<?> task = passive.remove(backendId);
        if (task != null) {
            task.cancel(false);
        }
    }

    /**
     * Follows the registry's endpoints: checks those with a health check, each on its own
     * interval; a changed check starts again from no verdict (as the registry does); a
     * withdrawn endpoint's check ends. Called by one thread at a time.
     */
    public void checks(Collection<Endpoint> endpoints) {
        Set<String> wanted = new HashSet<>();
        for (Endpoint e : endpoints) {
            if (e.healthCheck() != null) {
                wanted.add(e.id());
                if (!follow(e)) {
                    return; // closed
                }
            }
        }
        active.values().removeIf(c -> {
            if (wanted.contains(c.endpoint.id())) {
                return false;
            }
            c.task.cancel(false);
            return true;
        });
    }

    /**
     * As {@link #checks}, for one registry change: only the endpoints it removed and the
     * ones it added or updated ({@code put}) are looked at. Called by one thread at a time.
     */
    public void checksChanged(Collection<Endpoint> removed, Collection<Endpoint> put) {
        removed.forEach(e -> stop(e.id()));
        for (Endpoint e : put) {
            if (e.healthCheck() == null) {
                stop(e.id());
            } else if (!follow(e)) {
                return; // closed
            }
        }
    }

    /** Checks {@code e} by its health check (kept running when that is unchanged); false when the monitor is closed. */
    private boolean follow(Endpoint e) {
        HealthCheck hc = e.healthCheck();
        ActiveCheck running = active.get(e.id());
        if (running != null && running.check.equals(hc)) {
            running.endpoint = e;
            return true;
        }
        if (running != null) {
            running.task.cancel(false);
        }
        ActiveCheck check = new ActiveCheck(e, hc);
        active.put(e.id(), check);
        long every = hc.interval().toMillis();
        try {
            check.task = scheduler.scheduleWithFixedDelay(check, every, every, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            active.remove(e.id());
            return false;
        }
        return true;
    }

    private void stop(String endpointId) {
        ActiveCheck running = active.remove(endpointId);
        if (running != null) {
            running.task.cancel(false);
        }
    }

    /** Endpoints whose active check is failing now, with the answer that made it fail (for pages). */
    public Map<String, String> failingChecks() {
        Map<String, String> out = new java.util.HashMap<>();
        for (ActiveCheck c : active.values()) {
            if (c.failing == Boolean.TRUE) {
                out.put(c.endpoint.id(), "active check failing: " + c.lastFailure);
            }
        }
        return out;
    }

    /** Runs {@code task} soon on the monitor's threads (keeps table rebuilds off the I/O threads). */
    public void submit(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // shutting down: nothing left to rebuild
        }
    }

    /** Runs {@code task} every {@code everyMs} on the monitor's threads. */
    public void every(long everyMs, Runnable task) {
        scheduler.scheduleWithFixedDelay(task, everyMs, everyMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops checking, and lifts the failing verdicts this monitor gave: with no checker left
     * nothing would ever lift them, and the endpoints would stay out of DNS for good.
     */
    @Override
    public void close() {
        scheduler.shutdownNow();
        for (ActiveCheck c : active.values()) {
            if (c.told == Boolean.TRUE) {
                verdicts.failing(c.endpoint.id(), false);
            }
        }
        active.clear();
    }

    /** One endpoint's active check: consecutive outcomes and the last verdict told; run by one thread at a time. */
    private final class ActiveCheck implements Runnable {
        final HealthCheck check;
        volatile Endpoint endpoint;
        volatile ScheduledFuture<?> task;
        /** This check's verdict (failing or not); null before rise or fall consecutive outcomes. */
        private volatile Boolean failing;
        /** The probe failure that made the verdict failing, for pages. */
        volatile String lastFailure;
        /** The verdict last told to the registry; null before the first (a restarted balancer tells it again). */
        volatile Boolean told;
        private int successes;
        private int failures;

        ActiveCheck(Endpoint endpoint, HealthCheck check) {
            this.endpoint = endpoint;
            this.check = check;
        }

        @Override
        public void run() {
            try {
                check();
            } catch (RuntimeException e) {
                LOG.warn("health check failed to run endpoint={} error={}", endpoint, e.toString());
            }
        }

        private void check() {
            Endpoint e = endpoint;
            int timeout = (int) Math.min(connectTimeoutMs, Math.max(100, check.interval().toMillis()));
            if (check.timeout() != null) {
                // the endpoint's own bound (Registrator's SERVICE_CHECK_TIMEOUT), 100 ms to a minute
                timeout = (int) Math.max(100, Math.min(60_000, check.timeout().toMillis()));
            }
            String failure = probe(e, check, timeout);
            if (failure == null) {
                successes++;
                failures = 0;
            } else {
                failures++;
                successes = 0;
            }
            if (active.get(e.id()) != this) {
                return; // replaced or withdrawn while probing: this verdict is nobody's
            }
            if (failure == null && successes >= check.rise() && failing != Boolean.FALSE) {
                if (failing == Boolean.TRUE) {
                    LOG.info("endpoint healthy service={} container={} endpoint={}", e.qualifiedName(), e.containerName(), address(e));
                }
                failing = Boolean.FALSE;
            } else if (failure != null && failures >= check.fall() && failing != Boolean.TRUE) {
                LOG.warn("endpoint unhealthy service={} container={} endpoint={} reason={}", e.qualifiedName(), e.containerName(), address(e), failure);
                lastFailure = failure;
                failing = Boolean.TRUE;
            }
            if (failing != null && failing != told && verdicts.failing(e.id(), failing)) {
                told = failing;
            }
        }
    }

    /** Probes an ejected backend; the first answer re-admits it. */
    private final class Readmission implements Runnable {
        private final Backend backend;

        Readmission(Backend backend) {
            this.backend = backend;
        }

        @Override
        public void run() {
            try {
                if (!backend.ejected()) {
                    return;
                }
                Endpoint e = backend.endpoint();
                if (probe(e, e.healthCheck(), (int) Math.min(connectTimeoutMs, passiveProbeMs)) == null && backend.readmit()) {
                    LOG.info("endpoint readmitted service={} container={} endpoint={}", e.qualifiedName(), e.containerName(), address(e));
                    onChange.run();
                }
            } catch (RuntimeException e) {
                LOG.warn("health check failed to run endpoint={} error={}", backend, e.toString());
            }
        }
    }

    /** Null when the endpoint answers; otherwise why not. */
    public static String probe(Endpoint e, HealthCheck hc, int timeoutMs) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(e.address(), e.port()), timeoutMs);
            if (hc == null || !hc.isHttp()) {
                return null;
            }
            socket.setSoTimeout(timeoutMs);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + hc.path() + " HTTP/1.0\r\nHost: " + address(e) + "\r\nUser-Agent: haystack-health\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String status = statusLine(socket.getInputStream());
            String[] parts = status.split(" ");
            if (parts.length >= 2 && parts[0].startsWith("HTTP/") && parts[1].length() == 3
                    && (parts[1].charAt(0) == '2' || parts[1].charAt(0) == '3')) {
                return null;
            }
            return "GET " + hc.path() + " answered '" + status + "'";
        } catch (IOException ex) {
            return ex.toString();
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n' && line.length() < 256) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    static String address(Endpoint e) {
        return (e.isIpv6() ? "[" + e.address().getHostAddress() + "]" : e.address().getHostAddress()) + ":" + e.port();
    }
}
