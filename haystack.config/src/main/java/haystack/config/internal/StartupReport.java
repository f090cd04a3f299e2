package haystack.config.internal;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line the first time every bundle (fragments aside) is ACTIVE, with the time
 * since the JVM started, and one line when Haystack stops. The launcher starts bundles
 * after the framework's STARTED event, so this watches bundle events instead.
 */
@Component(immediate = true)
public final class StartupReport implements SynchronousBundleListener {

    private static final Logger LOG = LoggerFactory.getLogger(StartupReport.class);

    private final BundleContext context;
    private final AtomicBoolean reported = new AtomicBoolean();

    @Activate
    public StartupReport(BundleContext context) {
        this.context = context;
        context.addBundleListener(this);
        check();
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STARTED) {
            check();
        }
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
        if (reported.get()) {
            LOG.info("haystack stopping");
        }
    }

    private void check() {
        if (EnvironmentConfiguration.failed()) {
            return;
        }
        Bundle[] bundles = context.getBundles();
        if (Bundles.allActive(context) && reported.compareAndSet(false, true)) {
            long millis = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            long fragments = Arrays.stream(bundles).filter(Bundles::isFragment).count();
            LOG.info("haystack started bundles={} active={} fragments={} millisSinceJvmStart={} java={}",
                    bundles.length, bundles.length - fragments, fragments, millis, Runtime.version());
        }
    }
}
