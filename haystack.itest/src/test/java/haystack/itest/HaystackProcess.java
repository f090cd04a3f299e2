package haystack.itest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The exported distribution started as ./haystack starts it: {@code java @jvm.options -jar
 * haystack.jar} with environment variables only, its stdout collected line by line.
 */
public final class HaystackProcess implements AutoCloseable {

    public static final Path JAR = Path.of("../haystack.distro/target/haystack.jar").toAbsolutePath().normalize();
    /** The JVM options ./haystack and the image run with. */
    public static final Path JVM_OPTIONS = Path.of("../haystack.distro/jvm.options").toAbsolutePath().normalize();

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    /** The class-data sharing archive the distro build makes next to the jar (haystack.distro/cds-archive.sh). */
    public static final Path ARCHIVE = JAR.resolveSibling("haystack.jsa");
    /** What ./haystack runs to keep Felix's bundle cache between starts of the same jar. */
    public static final Path BUNDLE_CACHE_SCRIPT = Path.of("../haystack.distro/bundle-cache.sh").toAbsolutePath().normalize();

    public HaystackProcess(Path javaHome, Path workDir, Map<String, String> env) throws IOException {
        this(javaHome, workDir, env, List.of());
    }

    /** With {@code jvmOptions} after the distribution's own (the last of an option wins). */
    public HaystackProcess(Path javaHome, Path workDir, Map<String, String> env, List<String> jvmOptions) throws IOException {
        this(javaHome, JAR, workDir, env, jvmOptions);
    }

    /** Another build of the jar ({@code jar}; the archive only goes with the distro's own). */
    public HaystackProcess(Path javaHome, Path jar, Path workDir, Map<String, String> env, List<String> jvmOptions) throws IOException {
        this(javaCommand(javaHome, jar, jvmOptions), workDir, env);
    }

    /**
     * {@code jar} started as ./haystack starts it with Felix's bundle cache in {@code dataDir}:
     * the cache's lock taken on a descriptor the JVM inherits, so it holds the lock while it
     * runs (haystack.distro/bundle-cache.sh with LOCK_FD), and the script's options before -jar.
     */
    public static HaystackProcess keepingBundleCache(Path javaHome, Path jar, Path workDir, Map<String, String> env, Path dataDir)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", String.join("\n",
                "mkdir -p \"$1\" && exec 9>>\"$1/bundle-cache.lock\" || exit 1",
                "mapfile -t options < <(bash \"$2\" \"${@: -1}\" \"$1\" 9)", // the last word is the jar
                "shift 2",
                "exec \"${@:1:$#-2}\" \"${options[@]}\" \"${@: -2}\""), // java ... <options> -jar JAR
                "haystack", dataDir.toString(), BUNDLE_CACHE_SCRIPT.toString()));
        command.addAll(javaCommand(javaHome, jar, List.of()));
        return new HaystackProcess(command, workDir, env);
    }

    private static List<String> javaCommand(Path javaHome, Path jar, List<String> jvmOptions) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build haystack.distro first");
        }
        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString(), "@" + JVM_OPTIONS));
        if (jar.equals(JAR)) {
            command.addAll(archiveOptions(javaHome));
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        return command;
    }

    private HaystackProcess(List<String> command, Path workDir, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        process = builder.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("reader failed: " + e);
            }
        }, "haystack-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * As ./haystack decides: the archive, when the build made it with this same Java for this
     * same jar and it is whole (haystack.jsa.jdk records JVM, archive size, jar size@mtime,
     * see haystack.distro/cds-archive.sh); otherwise none.
     */
    public static List<String> archiveOptions(Path javaHome) throws IOException {
        return archiveOptions(javaHome, ARCHIVE);
    }

    /** The options for {@code archive} (its record beside it, {@code <archive>.jdk}) with the jar. */
    public static List<String> archiveOptions(Path javaHome, Path archive) throws IOException {
        Path stamp = archive.resolveSibling(archive.getFileName() + ".jdk");
        String runtime = javaRuntimeVersion(javaHome);
        if (runtime == null || !Files.isRegularFile(archive) || !Files.isRegularFile(stamp)) {
            return List.of();
        }
        String expected = runtime + " archive=" + Files.size(archive) + " jar=" + Files.size(JAR) + "@"
                + Files.getLastModifiedTime(JAR).to(TimeUnit.SECONDS);
        if (!expected.equals(Files.readString(stamp).trim())) {
            return List.of();
        }
        return List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + archive);
    }

    /**
     * The options ./haystack adds to keep Felix's bundle cache of {@code jar} in {@code dataDir}
     * between starts, from haystack.distro/bundle-cache.sh itself (which also deletes a cache
     * another jar made).
     */
    public static List<String> bundleCacheOptions(Path jar, Path dataDir) throws IOException, InterruptedException {
        Process script = new ProcessBuilder("bash", BUNDLE_CACHE_SCRIPT.toString(), jar.toString(), dataDir.toString())
                .redirectErrorStream(true).start();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!script.waitFor(30, TimeUnit.SECONDS) || script.exitValue() != 0) {
            throw new IllegalStateException("bundle-cache.sh failed: " + out);
        }
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    /** JAVA_RUNTIME_VERSION from the JDK's release file, or null. */
    public static String javaRuntimeVersion(Path javaHome) throws IOException {
        Path release = javaHome.resolve("release");
        if (!Files.isRegularFile(release)) {
            return null;
        }
        for (String line : Files.readAllLines(release)) {
            if (line.startsWith("JAVA_RUNTIME_VERSION=\"") && line.endsWith("\"")) {
                return line.substring("JAVA_RUNTIME_VERSION=\"".length(), line.length() - 1);
            }
        }
        return null;
    }

    /** Waits for a line matching {@code match}; returns it, or fails with everything printed so far. */
    /** The port in the first line naming {@code marker} (a listener's start line: {@code marker ... port=N}), within 60 s. */
    public int listenedPort(String marker) throws InterruptedException {
        String line = awaitLine(l -> l.contains(marker), Duration.ofSeconds(60));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" port=(\\d+)").matcher(line.substring(line.indexOf(marker)));
        if (!m.find()) {
            throw new IllegalStateException("no port= after " + marker + ": " + line);
        }
        return Integer.parseInt(m.group(1));
    }

    public String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (String line : lines) {
                if (match.test(line)) {
                    return line;
                }
            }
            if (!process.isAlive() && lines.stream().noneMatch(match)) {
                Thread.sleep(200); // let the reader drain
                return lines.stream().filter(match).findFirst()
                        .orElseThrow(() -> new AssertionError("haystack exited " + process.exitValue() + " without the line; output:\n" + output()));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such line within " + timeout + "; output:\n" + output());
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("haystack still running after " + timeout + "; output:\n" + output());
        }
        Thread.sleep(200);
        return process.exitValue();
    }

    /** SIGTERM, as docker stop and systemd send; unlike Process.destroy() it leaves stdout open. */
    public void terminate() {
        process.toHandle().destroy();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public List<String> lines() {
        return new ArrayList<>(lines);
    }

    /** What Haystack printed, without the JVM's own deprecation warnings (Java 24+ warns of Felix's Unsafe use). */
    public List<String> haystackLines() {
        return lines.stream().filter(l -> !l.startsWith("WARNING: ")).toList();
    }

    public String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            // SIGTERM first: a JVM killed outright leaves the launcher's temporary bundle cache
            // (/tmp/osgi.*.fw, ~30 MB) behind, one per start.
            terminate();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
