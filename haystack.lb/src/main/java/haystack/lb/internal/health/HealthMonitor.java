package haystack.lb.internal.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
 * Active health checks (HTTP GET of a path, or TCP connect; interval, rise, fall) and the
 * probes that re-admit passively ejected endpoints. Every verdict that changes whether
 * an endpoint takes traffic calls {@code onChange}, which rebuilds the routing tables.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "haystack-lb-health");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ScheduledFuture<?>> tasks = new ConcurrentHashMap<>();
    private final long passiveProbeMs;
    private final int connectTimeoutMs;
    private final Runnable onChange;

    public HealthMonitor(long passiveProbeMs, int connectTimeoutMs, Runnable onChange) {
        this.passiveProbeMs = passiveProbeMs;
        this.connectTimeoutMs = connectTimeoutMs;
        this.onChange = onChange;
    }

    /** Starts watching {@code backend} (once per endpoint id). */
    public void track(Backend backend) {
        tasks.computeIfAbsent(backend.id(), id -> {
            HealthCheck hc = backend.endpoint().healthCheck();
            long every = hc == null ? passiveProbeMs : hc.interval().toMillis();
            Checker checker = new Checker(backend);
            return scheduler.scheduleWithFixedDelay(checker, every, every, TimeUnit.MILLISECONDS);
        });
    }

    public void untrack(String backendId) {
        ScheduledFuture<?> task = tasks.remove(backendId);
        if (task != null) {
            task.cancel(false);
        }
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

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /** Consecutive outcomes of one endpoint's checks; run by one thread at a time. */
    private final class Checker implements Runnable {
        private final Backend backend;
        private int successes;
        private int failures;

        Checker(Backend backend) {
            this.backend = backend;
        }

        @Override
        public void run() {
            try {
                check();
            } catch (RuntimeException e) {
                LOG.warn("health check failed to run endpoint={} error={}", backend, e.toString());
            }
        }

        private void check() {
            Endpoint e = backend.endpoint();
            HealthCheck hc = e.healthCheck();
            if (hc == null && !backend.ejected()) {
                return;
            }
            int timeout = (int) Math.min(connectTimeoutMs, hc == null ? passiveProbeMs : Math.max(100, hc.interval().toMillis()));
            if (hc != null && hc.timeout() != null) {
                // the endpoint's own bound (Registrator's SERVICE_CHECK_TIMEOUT), 100 ms to a minute
                timeout = (int) Math.max(100, Math.min(60_000, hc.timeout().toMillis()));
            }
            String failure = probe(e, hc, timeout);
            boolean ok = failure == null;
            boolean changed = false;
            if (ok) {
                successes++;
                failures = 0;
            } else {
                failures++;
                successes = 0;
            }
            if (hc != null) {
                if (backend.checkDown() && ok && successes >= hc.rise()) {
                    backend.checkDown(false);
                    changed = true;
                    LOG.info("endpoint healthy service={} container={} endpoint={}", e.qualifiedName(), e.containerName(), address(e));
                } else if (!backend.checkDown() && !ok && failures >= hc.fall()) {
                    backend.checkDown(true, failure);
                    changed = true;
                    LOG.warn("endpoint unhealthy service={} container={} endpoint={} reason={}", e.qualifiedName(), e.containerName(), address(e), failure);
                }
            }
            if (ok && backend.ejected()) {
                backend.readmit();
                changed = true;
                LOG.info("endpoint readmitted service={} container={} endpoint={}", e.qualifiedName(), e.containerName(), address(e));
            }
            if (changed) {
                onChange.run();
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
