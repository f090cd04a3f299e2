package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import haystack.testing.RequiresDocker;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;

/**
 * The packaged bundle inside Felix with SCR and Configuration Admin, as the distribution
 * runs it: it resolves with docker-java embedded, activates from its configuration, and a
 * container started on the real engine shows up in the registry. Types inside the
 * framework are not the test's, so the services are used by reflection.
 */
@RequiresDocker
class OsgiIT {

    @Test
    void bundleResolvesActivatesAndDiscovers(@TempDir Path storage) throws Exception {
        Framework fw = new FrameworkFactory().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                // docker-java's zerodep transport uses jdk.net (the distro's -runsystempackages)
                Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "jdk.net"));
        fw.start();
        try (EngineFixture engine = new EngineFixture()) {
            BundleContext ctx = fw.getBundleContext();
            List<Bundle> bundles = new ArrayList<>();
            Bundle docker = null;
            for (Path jar : bundleJars()) {
                Bundle b = ctx.installBundle(jar.toUri().toString());
                bundles.add(b);
                if ("haystack.docker".equals(b.getSymbolicName())) {
                    docker = b;
                }
            }
            assertTrue(docker != null, "haystack.docker bundle installed from " + bundleJars());
            for (Bundle b : bundles) {
                if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    try {
                        b.start();
                    } catch (BundleException e) {
                        // libraries of the test class path that the runtime does not need
                    }
                }
            }
            docker.start();
            assertEquals(Bundle.ACTIVE, docker.getState());

            ServiceReference<?> cmRef = awaitService(ctx, "org.osgi.service.cm.ConfigurationAdmin");
            Object cm = ctx.getService(cmRef);
            Object config = cm.getClass().getMethod("getConfiguration", String.class, String.class).invoke(cm, "haystack.docker", "?");
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("hosts", new String[] { EngineFixture.SOCKET.toString() });
            config.getClass().getMethod("update", java.util.Dictionary.class).invoke(config, props);

            String name = engine.name("osgi-1");
            engine.start(engine.container("osgi-1"));
            ServiceReference<?> regRef = awaitService(ctx, "haystack.api.Registry");
            Object registry = ctx.getService(regRef);
            long deadline = System.nanoTime() + 30_000_000_000L;
            String found = null;
            while (found == null && System.nanoTime() < deadline) {
                Object snapshot = registry.getClass().getMethod("snapshot").invoke(registry);
                for (Object e : (Collection<?>) snapshot.getClass().getMethod("endpoints").invoke(snapshot)) {
                    Method m = e.getClass().getMethod("containerName");
                    if (name.equals(m.invoke(e))) {
                        found = (String) e.getClass().getMethod("qualifiedName").invoke(e);
                    }
                }
                Thread.sleep(50);
            }
            assertEquals(engine.prefix + "-osgi.busybox", found, "container discovered inside the framework");
        } finally {
            fw.stop();
            fw.waitForStop(10_000);
        }
    }

    /** All references, not only those of the test's class space: the test class path has its own copies of these types. */
    private static ServiceReference<?> awaitService(BundleContext ctx, String type) throws Exception {
        for (int i = 0; i < 200; i++) {
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(type, null);
            if (refs != null) {
                return refs[0];
            }
            Thread.sleep(50);
        }
        throw new AssertionError(type + " service never registered");
    }

    /** This module's packaged bundle and every bundle jar of the test class path but test tooling and API jars. */
    private static List<Path> bundleJars() throws IOException {
        List<Path> out = new ArrayList<>();
        try (var target = Files.list(Path.of("target"))) {
            target.filter(p -> p.getFileName().toString().matches("haystack\\.docker-[^-]+-SNAPSHOT\\.jar|haystack\\.docker-[0-9.]+\\.jar"))
                    .forEach(out::add);
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            String n = p.getFileName().toString();
            if (!n.endsWith(".jar") || n.startsWith("haystack.docker") || n.startsWith("haystack.testing")
                    || n.matches("(osgi\\.core|osgi\\.annotation|org\\.osgi\\.annotation|org\\.osgi\\.namespace|org\\.osgi\\.service\\.(component|metatype)\\.annotations"
                            + "|org\\.apache\\.felix\\.framework|junit|opentest4j|apiguardian|testcontainers|duct-tape|annotations|surefire|failsafe).*")) {
                continue;
            }
            try (JarFile jar = new JarFile(p.toFile())) {
                if (jar.getManifest() != null && jar.getManifest().getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME) != null) {
                    out.add(p);
                }
            }
        }
        return out;
    }
}
