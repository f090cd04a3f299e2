package haystack.config.internal;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says "haystack started" only when it is true (SPEC §7): every bundle (fragments aside)
 * ACTIVE and every Haystack component up, listeners bound. A component that failed to
 * activate (a port taken) stops Haystack instead: one line naming it and the reason,
 * exit status 1, or 78 when the component refused its configuration (what the
 * environment checks cannot know, such as an unreadable DOCKER_CERT_PATH). After start, a component that fails later is one line each (DS's own
 * log, with its stack traces, is quiet: see cnf/runtime.bnd). Logs one line when
 * Haystack stops. The launcher starts bundles after the framework's STARTED event, so
 * this watches bundle events instead.
 */
@Component(immediate = true)
public final class StartupReport implements SynchronousBundleListener {

    /** Exit status when a component cannot start (a port that cannot be bound). */
    static final int EX_START = 1;

    private static final Logger LOG = LoggerFactory.getLogger(StartupReport.class);
    private static final long POLL_MILLIS = 50;
    private static final long WATCH_MILLIS = 2000;
    private static final long START_TIMEOUT_MILLIS = 60_000;

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final AtomicBoolean watching = new AtomicBoolean();
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile boolean stopped;
    private Thread watcher;

    @Activate
    public StartupReport(BundleContext context, @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.scr = scr;
        context.addBundleListener(this);
        check();
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        switch (event.getType()) {
            case BundleEvent.STARTED -> check();
            case BundleEvent.INSTALLED, BundleEvent.UPDATED, BundleEvent.UNINSTALLED -> {
                if (reported.get()) {
                    BundleCache.forget(context);
                }
            }
            default -> {
                // other transitions say nothing about start-up or the bundle set
            }
        }
    }

    @Deactivate
    void deactivate() {
        stopped = true;
        context.removeBundleListener(this);
        Thread w = watcher;
        if (w != null) {
            w.interrupt();
        }
        if (reported.get()) {
            LOG.info("haystack stopping");
        }
    }

    private void check() {
        if (EnvironmentConfiguration.failed() || !Bundles.allActive(context) || !watching.compareAndSet(false, true)) {
            return;
        }
        Thread w = new Thread(this::watch, "haystack-startup");
        w.setDaemon(true);
        watcher = w;
        w.start();
    }

    /** Waits for every component to be up or one to fail, then keeps an eye on failures. */
    private void watch() {
        Set<String> pids = Settings.pids();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        boolean upOnce = false;
        Set<Long> told = new HashSet<>();
        try {
            while (!stopped && !EnvironmentConfiguration.failed()) {
                ComponentStates states = ComponentStates.of(scr, pids);
                if (!reported.get()) {
                    if (!states.failures().isEmpty()) {
                        ComponentStates.Failure f = states.failures().get(0);
                        // components refuse a configuration they cannot use with IllegalArgumentException
                        boolean configuration = f.reason().startsWith(IllegalArgumentException.class.getName());
                        LOG.error("haystack not started: {} component={} reason={}", configuration ? "configuration refused" : "component failed",
                                f.component(), f.reason());
                        if (!"false".equals(context.getProperty("haystack.config.exitOnError"))) {
                            System.exit(configuration ? EnvironmentConfiguration.EX_CONFIG : EX_START);
                        }
                        return;
                    }
                    List<String> pending = states.pending();
                    // up twice in a row: a delayed component whose service was just registered is activated in between
                    if (pending.isEmpty() && upOnce) {
                        report();
                    }
                    upOnce = pending.isEmpty();
                    if (!pending.isEmpty() && System.currentTimeMillis() > deadline) {
                        LOG.error("haystack not started: components not up after {}s components={}", START_TIMEOUT_MILLIS / 1000, pending);
                        if (!"false".equals(context.getProperty("haystack.config.exitOnError"))) {
                            System.exit(EX_START);
                        }
                        return;
                    }
                    Thread.sleep(POLL_MILLIS);
                } else {
                    for (ComponentStates.Failure f : states.failures()) {
                        if (told.add(f.id())) {
                            LOG.error("component failed component={} reason={}", f.component(), f.reason());
                        }
                    }
                    Thread.sleep(WATCH_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            // deactivated
        } catch (RuntimeException e) {
            if (!stopped) {
                LOG.warn("component states unreadable reason={}", e.toString());
            }
        }
    }

    private void report() {
        if (reported.compareAndSet(false, true)) {
            Bundle[] bundles = context.getBundles();
            long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
            long millis = System.currentTimeMillis() - jvmStart;
            long fragments = Arrays.stream(bundles).filter(Bundles::isFragment).count();
            long cached = BundleCache.cachedBundles(context, jvmStart);
            BundleCache.keep(context); // before the line: whoever stops Haystack on seeing it finds the cache kept
            LOG.info("haystack started bundles={} active={} fragments={} millisSinceJvmStart={} java={} cachedBundles={}",
                    bundles.length, bundles.length - fragments, fragments, millis, Runtime.version(), cached);
        }
    }
}
