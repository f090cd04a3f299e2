package haystack.config.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Hashtable;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the configuration of every Haystack PID from the environment and the config
 * directory (SPEC §7), then watches the directory and re-applies on change. A bad value
 * at start-up stops Haystack with one line; a bad file edit later is logged and ignored,
 * keeping the configuration that works.
 *
 * <p>A variable is looked up as a framework or system property first, then in the
 * environment, so tests and {@code java -DHAYSTACK_DNS_PORT=5353 -jar} can set it too.
 */
@Component(immediate = true)
public final class EnvironmentConfiguration {

    /** Exit status for a configuration error (EX_CONFIG of sysexits.h). */
    static final int EX_CONFIG = 78;

    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentConfiguration.class);
    private static final long START_WAIT_MILLIS = 10_000;

    /** Set when start-up failed on configuration: the other reports then stay silent. */
    private static volatile boolean failed;

    private final ConfigurationAdmin admin;
    private final UnaryOperator<String> environment;
    private final Path configDir;
    private volatile WatchService watcher;

    @Activate
    public EnvironmentConfiguration(BundleContext context, @Reference ConfigurationAdmin admin) {
        this.admin = admin;
        this.environment = name -> {
            String property = context.getProperty(name);
            return property != null ? property : System.getenv(name);
        };
        String dir = environment.apply(Configurations.CONFIG_DIR);
        this.configDir = Path.of(dir == null || dir.isBlank() ? "conf" : dir).toAbsolutePath();
        try {
            apply();
        } catch (ConfigurationError e) {
            // One line and stop. No configuration is written, so nothing else starts meanwhile.
            failed = true;
            LOG.error(e.getMessage());
            if (!"false".equals(context.getProperty("haystack.config.exitOnError"))) {
                exitOnceStarted(context);
            }
            return;
        }
        watch();
    }

    static boolean failed() {
        return failed;
    }

    /**
     * Exits from another thread once the launcher has started every bundle: System.exit
     * waits for the shutdown hook, which waits for this activation, and exiting while the
     * launcher still starts bundles races with the framework cache being deleted.
     */
    private static void exitOnceStarted(BundleContext context) {
        Thread exit = new Thread(() -> {
            long deadline = System.currentTimeMillis() + START_WAIT_MILLIS;
            while (!Bundles.allActive(context) && System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    break;
                }
            }
            System.exit(EX_CONFIG);
        }, "haystack-config-exit");
        exit.start();
    }

    @Deactivate
    void deactivate() throws IOException {
        WatchService w = watcher;
        if (w != null) {
            w.close();
        }
    }

    private void apply() {
        Map<String, Hashtable<String, Object>> configurations = Configurations.compute(environment, configDir);
        for (Map.Entry<String, Hashtable<String, Object>> entry : configurations.entrySet()) {
            try {
                Configuration configuration = admin.getConfiguration(entry.getKey(), "?");
                if (configuration.updateIfDifferent(entry.getValue())) {
                    LOG.info("configuration applied pid={} properties={}", entry.getKey(), entry.getValue().keySet());
                }
            } catch (IOException e) {
                LOG.error("configuration could not be stored pid={} reason={}", entry.getKey(), e.getMessage());
            }
        }
    }

    private void watch() {
        if (!configDir.toFile().isDirectory()) {
            LOG.info("config directory absent, environment only dir={}", configDir);
            return;
        }
        try {
            WatchService w = configDir.getFileSystem().newWatchService();
            configDir.register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            watcher = w;
            Thread thread = new Thread(() -> follow(w), "haystack-config-watch");
            thread.setDaemon(true);
            thread.start();
            LOG.info("config directory watched dir={}", configDir);
        } catch (IOException e) {
            LOG.error("config directory cannot be watched dir={} reason={}", configDir, e.getMessage());
        }
    }

    private void follow(WatchService w) {
        try {
            while (true) {
                WatchKey key = w.take();
                boolean relevant = key.pollEvents().stream().anyMatch(ev -> ev.context().toString().endsWith(Configurations.FILE_SUFFIX));
                key.reset();
                if (relevant) {
                    try {
                        apply();
                    } catch (ConfigurationError e) {
                        LOG.error("{}; keeping the previous configuration", e.getMessage());
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // deactivated
        }
    }
}
