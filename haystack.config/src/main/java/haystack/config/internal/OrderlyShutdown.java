package haystack.config.internal;

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
        try {
            framework.stop();
            framework.waitForStop(STOP_TIMEOUT_MILLIS);
        } catch (BundleException | InterruptedException e) {
            LOG.error("framework did not stop cleanly reason={}", e.toString());
        }
    }
}
