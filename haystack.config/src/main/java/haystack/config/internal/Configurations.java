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
import java.util.function.UnaryOperator;

/**
 * Computes the configuration of every PID: first the environment, then the file
 * {@code <pid>.cfg} of the config directory (Java properties format), which overrides the
 * environment property by property. Values of known settings are checked; a bad one is a
 * {@link ConfigurationError} naming the setting, the value and what is allowed.
 */
final class Configurations {

    static final String FILE_SUFFIX = ".cfg";

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
        if (configDir != null && Files.isDirectory(configDir)) {
            for (String pid : Settings.pids()) {
                Path file = configDir.resolve(pid + FILE_SUFFIX);
                if (Files.isRegularFile(file)) {
                    byPid.get(pid).putAll(readFile(pid, file));
                }
            }
        }
        return byPid;
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
