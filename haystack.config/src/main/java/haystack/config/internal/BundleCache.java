package haystack.config.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Felix's bundle cache kept between starts of the same jar (haystack.distro/bundle-cache.sh
 * decides, for ./haystack: the cache in HAYSTACK_DATA is reused only while the stamp file
 * in it names the jar being started). This side says when the cache may be reused: once
 * Haystack started from exactly the jar's bundles, the stamp the launcher passed is
 * written; when a bundle is installed, updated or uninstalled at runtime (the console's
 * {@code install}, {@code update}, {@code uninstall}), it is deleted, so the next start
 * begins from the jar's bundles again instead of bringing back what an operator changed.
 * Without the launcher's properties ({@code java -jar}, the image) nothing is kept; when
 * another running Haystack holds the cache, this start used a temporary one and says so.
 */
final class BundleCache {

    /** The system property bundle-cache.sh passes: what the stamp file must hold for reuse. */
    static final String STAMP_PROPERTY = "haystack.bundleCache.stamp";
    /** The stamp's file name in the framework's storage directory (bundle-cache.sh reads it). */
    static final String STAMP_FILE = "haystack.stamp";
    /** The system property bundle-cache.sh passes instead when another Haystack holds the cache: its directory. */
    static final String IN_USE_PROPERTY = "haystack.bundleCache.inUse";

    private static final Logger LOG = LoggerFactory.getLogger(BundleCache.class);

    private BundleCache() {
    }

    /** How many bundles came from the cache: installed before this JVM started (0 on a fresh cache). */
    static long cachedBundles(BundleContext context, long jvmStartMillis) {
        return Arrays.stream(context.getBundles()).filter(b -> b.getBundleId() != 0 && b.getLastModified() < jvmStartMillis).count();
    }

    /** Started from the jar's bundles: the next start of the same jar may reuse the cache. */
    static void keep(BundleContext context) {
        String inUse = context.getProperty(IN_USE_PROPERTY);
        if (inUse != null) {
            LOG.info("bundle cache in use by another haystack, this start used a temporary one dir={}", inUse);
            return;
        }
        Path file = stampFile(context);
        String stamp = context.getProperty(STAMP_PROPERTY);
        if (file == null || stamp == null) {
            return;
        }
        try {
            Path tmp = file.resolveSibling(STAMP_FILE + ".tmp");
            Files.writeString(tmp, stamp + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("bundle cache not kept dir={} reason={}", file.getParent(), e.toString());
        }
    }

    /** The bundles changed at runtime: the next start begins from the jar's bundles. */
    static void forget(BundleContext context) {
        Path file = stampFile(context);
        if (file == null) {
            return;
        }
        try {
            if (Files.deleteIfExists(file)) {
                LOG.info("bundle cache dropped for the next start: bundles changed at runtime dir={}", file.getParent());
            }
        } catch (IOException e) {
            LOG.warn("bundle cache stamp not deleted file={} reason={}", file, e.toString());
        }
    }

    private static Path stampFile(BundleContext context) {
        String storage = context.getProperty(Constants.FRAMEWORK_STORAGE);
        if (storage == null || context.getProperty(STAMP_PROPERTY) == null) {
            return null;
        }
        return Path.of(storage).resolve(STAMP_FILE);
    }
}
