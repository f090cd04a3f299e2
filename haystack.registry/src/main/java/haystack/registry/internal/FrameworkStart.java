package haystack.registry.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;

/**
 * Tells once when every bundle (fragments aside) is ACTIVE: from then on every discovery
 * component has been given the chance to open its source. The launcher starts bundles
 * after the framework's STARTED event, so this watches bundle events instead.
 */
final class FrameworkStart implements BundleListener, AutoCloseable {

    private final BundleContext context;
    private final Runnable started;
    private final AtomicBoolean told = new AtomicBoolean();

    FrameworkStart(BundleContext context, Runnable started) {
        this.context = context;
        this.started = started;
        context.addBundleListener(this);
        check();
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STARTED) {
            check();
        }
    }

    private void check() {
        boolean allActive = Arrays.stream(context.getBundles())
                .allMatch(b -> b.getHeaders("").get(Constants.FRAGMENT_HOST) != null || b.getState() == Bundle.ACTIVE);
        if (allActive && told.compareAndSet(false, true)) {
            close();
            started.run();
        }
    }

    @Override
    public void close() {
        try {
            context.removeBundleListener(this);
        } catch (IllegalStateException stopped) {
            // the bundle is stopping: nothing to remove
        }
    }
}
