package haystack.config.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the configuration of every PID: first the environment, then the file
 * {@code <pid>.cfg} of the config directory (Java properties format), which overrides the
 * environment property by property. Values of known settings are checked; a bad one is a
 * {@link ConfigurationError} naming the setting, the value and what is allowed; so are
 * settings that contradict each other ({@link Contradictions}) and a config directory
 * that is not one. A key or a file no component reads is warned about, one line each.
 */
final class Configurations {

    static final String FILE_SUFFIX = ".cfg";
    static final String CONFIG_DIR = "HAYSTACK_CONFIG_DIR";

    private static final Logger LOG = LoggerFactory.getLogger(Configurations.class);

    private Configurations() {
    }

    /** @param environment looks up a variable (environment, overridable by framework properties) */
    static Map<String, Hashtable<String, Object>> compute(UnaryOperator<String> environment, Path configDir) {
        Map<String, Hashtable<String, Object>> byPid = new HashMap<>();
        for (String pid : Settings.pids()) {
            byPid.put(pid, new Hashtable<>());
        }
        for (Setting setting : Settings.ALL) {
            String text = environment.apply(setting.variable());
            if (text == null) {
                continue;
            }
            Object value = setting.parse(text);
            setting.targets().forEach(t -> byPid.get(t.pid()).put(t.property(), value));
        }
        if (configDir != null && checkDirectory(configDir)) {
            warnUnknownFiles(configDir);
            for (String pid : Settings.pids()) {
                Path file = configDir.resolve(pid + FILE_SUFFIX);
                if (Files.isRegularFile(file)) {
                    byPid.get(pid).putAll(readFile(pid, file));
                }
            }
        }
        Contradictions.check(byPid);
        return byPid;
    }

    /** True for a readable directory, false when nothing is there (environment only); anything else is an error. */
    static boolean checkDirectory(Path dir) {
        if (!Files.exists(dir)) {
            return false;
        }
        String allowed = "a readable directory of <pid>.cfg files, or a path where nothing is (environment only)";
        if (!Files.isDirectory(dir)) {
            throw new ConfigurationError(CONFIG_DIR, dir.toString() + " (not a directory)", allowed);
        }
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            throw new ConfigurationError(CONFIG_DIR, dir.toString() + " (not readable)", allowed);
        }
        return true;
    }

    private static void warnUnknownFiles(Path dir) {
        Set<String> pids = Settings.pids();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(FILE_SUFFIX))
                    .filter(name -> !pids.contains(name.substring(0, name.length() - FILE_SUFFIX.length())))
                    .sorted()
                    .forEach(name -> LOG.warn("config file ignored: no component reads it file={} known={}", dir.resolve(name),
                            pids.stream().map(p -> p + FILE_SUFFIX).toList()));
        } catch (IOException e) {
            throw new ConfigurationError(CONFIG_DIR, dir + " (" + e.getMessage() + ")", "a readable directory");
        }
    }

    private static Map<String, Object> readFile(String pid, Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigurationError(file.toString(), "unreadable: " + e.getMessage(), "a readable Java properties file");
        }
        Map<String, Object> values = new HashMap<>();
        for (String property : properties.stringPropertyNames()) {
            String text = properties.getProperty(property);
            if (Settings.forProperty(pid, property).isEmpty()) {
                LOG.warn("config key unknown: no component reads it file={} key={}", file, property);
            }
            Object value = Settings.forProperty(pid, property)
                    .map(s -> {
                        try {
                            return s.type().parse(text);
                        } catch (RuntimeException e) {
                            throw new ConfigurationError(file.getFileName() + " " + property, text, s.type().allowed());
                        }
                    })
                    .orElse(text);
            values.put(property, value);
        }
        return values;
    }
}
