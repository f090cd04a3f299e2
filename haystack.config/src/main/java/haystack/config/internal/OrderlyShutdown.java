package haystack.config.internal;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On SIGTERM (or any JVM shutdown) stops the framework and waits for it, so every
 * component deactivates: listeners close their ports and sources withdraw their endpoints
 * before the process ends.
 */
@Component(immediate = true)
public final class OrderlyShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(OrderlyShutdown.class);
    private static final long STOP_TIMEOUT_MILLIS = 20_000;
    private static final long EXIT_CALL_WAIT_MILLIS = 5_000;
    private static final String LAUNCHER = "aQute.launcher.";

    private final Thread hook;

    @Activate
    public OrderlyShutdown(BundleContext context) {
        Framework framework = context.getBundle(0).adapt(Framework.class);
        hook = new Thread(() -> stop(framework), "haystack-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting already (for example on a configuration error)
        }
    }

    @Deactivate
    void deactivate() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // this deactivation is the shutdown the hook started
        }
    }

    private static void stop(Framework framework) {
        Thread launcher = launcherThread();
        try {
            framework.stop();
            framework.waitForStop(STOP_TIMEOUT_MILLIS);
            if (launcher != null) {
                awaitExitCall(launcher);
            }
        } catch (BundleException | InterruptedException e) {
            LOG.error("framework did not stop cleanly reason={}", e.toString());
        }
    }

    /**
     * bnd's launcher thread that waits for the framework to stop (java -jar: "FrameworkWaiter");
     * null when run otherwise.
     */
    private static Thread launcherThread() {
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            boolean launcher = false;
            boolean waitsForStop = false;
            for (StackTraceElement frame : e.getValue()) {
                launcher |= frame.getClassName().startsWith(LAUNCHER);
                waitsForStop |= frame.getMethodName().equals("waitForStop");
            }
            if (launcher && waitsForStop && e.getKey() != Thread.currentThread()) {
                return e.getKey();
            }
        }
        return null;
    }

    /**
     * Once the framework has stopped, that thread calls System.exit(117) ("stopped"). While a
     * shutdown hook still runs, the call waits for the shutdown under way and SIGTERM's status
     * (143, what docker stop and systemd expect) stands; after the last hook returned, the JDK
     * halts at once with 117 instead, which the launcher's own hook (deleting its bundle cache)
     * usually but not always outlasts. So this hook returns only once that thread is inside
     * the call or gone, bounded.
     */
    private static void awaitExitCall(Thread launcher) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_CALL_WAIT_MILLIS);
        while (launcher.isAlive() && !inShutdown(launcher.getStackTrace()) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static boolean inShutdown(StackTraceElement[] frames) {
        for (StackTraceElement frame : frames) {
            if (frame.getClassName().equals("java.lang.Shutdown")) {
                return true;
            }
        }
        return false;
    }
}
