package haystack.config.internal;

import java.util.Arrays;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/** Questions about the framework's bundles as a whole. */
final class Bundles {

    private Bundles() {
    }

    /** Whether every bundle but fragments (which never start) is ACTIVE. */
    static boolean allActive(BundleContext context) {
        return Arrays.stream(context.getBundles()).allMatch(b -> isFragment(b) || b.getState() == Bundle.ACTIVE);
    }

    static boolean isFragment(Bundle b) {
        return b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }
}
