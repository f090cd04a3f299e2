package haystack.itest.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import haystack.itest.HaystackProcess;
import haystack.itest.Ports;
import haystack.testing.OpenSsh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Felix's bundle cache kept between starts as ./haystack keeps it (haystack.distro/bundle-cache.sh):
 * the second start of the same jar takes every bundle from the cache; a jar replaced at the
 * same path, even one whose manifest still lists the old bundles' digests, starts from its
 * own bundles, never the cached ones; a bundle uninstalled at runtime over the console is
 * back at the next start, which begins from the jar's bundles again. A second Haystack started
 * on the same data while one runs (a rebuilt jar beside it) leaves the running one's cache
 * alone: it starts from a temporary cache of its own and says so in one line.
 */
class BundleCacheTest {

    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final Duration START_WITHIN = Duration.ofSeconds(120);
    private static final Pattern STARTED = Pattern.compile("haystack started bundles=(\\d+) .* cachedBundles=(\\d+)");
    private static final String CHANGED_BUNDLE = "haystack.domains";
    private static final String CHANGED_VERSION = "0.1.0.changedjar";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theSameJarReusesTheCacheAndAReplacedJarNeverRunsTheCachedBundles(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("haystack.jar");
        Files.copy(HaystackProcess.JAR, jar);
        Map<String, String> env = Ports.allFree(dir);
        Path data = Path.of(env.get("HAYSTACK_DATA"));

        Matcher first = start(jar, dir, env, data, null);
        assertEquals("0", first.group(2), "a first start copies every bundle: " + first.group());

        Matcher second = start(jar, dir, env, data, null);
        int bundles = Integer.parseInt(second.group(1));
        assertEquals(bundles - 1, Integer.parseInt(second.group(2)), "every bundle but the framework from the cache: " + second.group());

        // The jar replaced at the same path by one whose haystack.domains differs; its manifest keeps
        // the old digests, so only the jar's own stamp can tell.
        Path changed = dir.resolve("changed.jar");
        withBundleVersion(HaystackProcess.JAR, changed, CHANGED_BUNDLE, CHANGED_VERSION);
        Files.move(changed, jar, StandardCopyOption.REPLACE_EXISTING);
        Matcher third = start(jar, dir, env, data, CHANGED_VERSION);
        assertEquals("0", third.group(2), "a replaced jar starts from its own bundles: " + third.group());

        // an operator uninstalls a bundle while it runs
        Path key = dir.resolve("operator");
        OpenSsh.keygen(key);
        int sshPort = Ports.free();
        Map<String, String> withSsh = new HashMap<>(env);
        withSsh.put("HAYSTACK_SSH_PORT", String.valueOf(sshPort));
        withSsh.put("HAYSTACK_SSH_AUTHORIZED_KEYS", Files.readString(Path.of(key + ".pub")).trim());
        Matcher fourth = start(jar, dir, withSsh, data, CHANGED_VERSION, haystack -> {
            haystack.awaitLine(l -> l.contains("ssh listening port=" + sshPort), START_WITHIN);
            OpenSsh ssh = new OpenSsh(sshPort, dir.resolve("known_hosts"));
            String lb = ssh.exec(key, "lb -s").ok();
            Matcher id = Pattern.compile("(?m)^\\s*(\\d+)\\|.*\\|" + Pattern.quote(CHANGED_BUNDLE) + " ").matcher(lb);
            assertTrue(id.find(), lb);
            ssh.exec(key, "uninstall " + id.group(1)).ok();
            haystack.awaitLine(l -> l.contains("bundle cache dropped"), Duration.ofSeconds(30));
        });
        assertEquals(bundles - 1, Integer.parseInt(fourth.group(2)), "and its cache is reused in turn: " + fourth.group());

        Matcher fifth = start(jar, dir, env, data, CHANGED_VERSION);
        assertEquals("0", fifth.group(2), "bundles changed at runtime: the next start copies the jar's again: " + fifth.group());
        assertEquals(String.valueOf(bundles), fifth.group(1), "the uninstalled bundle is back: " + fifth.group());
    }

    @Test
    void aSecondHaystackOnTheSameDataLeavesTheRunningOnesCacheAlone(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("haystack.jar");
        Files.copy(HaystackProcess.JAR, jar);
        Path rebuilt = dir.resolve("rebuilt.jar"); // another file: another stamp, as a rebuilt jar has
        Files.copy(HaystackProcess.JAR, rebuilt);
        Map<String, String> env = Ports.allFree(dir);
        Path data = Path.of(env.get("HAYSTACK_DATA"));
        Path cache = data.resolve("bundle-cache");

        int bundles;
        try (HaystackProcess first = HaystackProcess.keepingBundleCache(JAVA_HOME, jar, dir, env, data)) {
            bundles = Integer.parseInt(awaitStarted(first).group(1));
            stop(first);
        }
        try (HaystackProcess running = HaystackProcess.keepingBundleCache(JAVA_HOME, jar, dir, env, data)) {
            Matcher kept = awaitStarted(running);
            assertEquals(bundles - 1, Integer.parseInt(kept.group(2)), "started from the kept cache: " + kept.group());
            String stamp = Files.readString(cache.resolve("haystack.stamp"));
            List<String> entries = entries(cache);

            try (HaystackProcess second = HaystackProcess.keepingBundleCache(JAVA_HOME, rebuilt, dir, env, data)) {
                Matcher own = awaitStarted(second);
                assertEquals("0", own.group(2), "the second starts from its own temporary cache: " + own.group());
                List<String> said = second.haystackLines().stream().filter(l -> l.contains("bundle cache in use")).toList();
                assertEquals(1, said.size(), second.output());
                assertTrue(said.get(0).endsWith("bundle cache in use by another haystack, this start used a temporary one dir="
                        + cache.toRealPath()), said.get(0));
                stop(second);
            }
            assertEquals(stamp, Files.readString(cache.resolve("haystack.stamp")), "the running one's stamp stays");
            assertTrue(entries(cache).containsAll(entries), "the running one's bundles stay: " + entries + " " + entries(cache));
            assertTrue(running.isAlive(), running.output());
            assertTrue(get(running.listenedPort("listener=admin"), "/api/info").contains(CHANGED_BUNDLE), "and it still answers");
            stop(running);
        }
        try (HaystackProcess again = HaystackProcess.keepingBundleCache(JAVA_HOME, jar, dir, env, data)) {
            Matcher m = awaitStarted(again);
            assertEquals(bundles - 1, Integer.parseInt(m.group(2)), "the cache outlived the second start: " + m.group());
            assertTrue(again.haystackLines().stream().noneMatch(l -> l.contains("bundle cache in use")), again.output());
            stop(again);
        }
    }

    private static Matcher awaitStarted(HaystackProcess haystack) throws InterruptedException {
        String line = haystack.awaitLine(l -> l.contains("haystack started"), START_WITHIN);
        Matcher m = STARTED.matcher(line);
        assertTrue(m.find(), line);
        return m;
    }

    private static void stop(HaystackProcess haystack) throws InterruptedException {
        haystack.terminate();
        assertEquals(143, haystack.awaitExit(Duration.ofSeconds(60)), "stopped by SIGTERM: " + haystack.output());
    }

    /** The names in {@code dir}, sorted. */
    private static List<String> entries(Path dir) throws IOException {
        try (var names = Files.list(dir)) {
            return names.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** What a test does while Haystack runs. */
    private interface WhileRunning {
        void accept(HaystackProcess haystack) throws Exception;
    }

    /** Starts the jar as ./haystack does, checks the running haystack.domains' version, stops it; the started line. */
    private Matcher start(Path jar, Path dir, Map<String, String> env, Path data, String domainsVersion) throws Exception {
        return start(jar, dir, env, data, domainsVersion, haystack -> { });
    }

    private Matcher start(Path jar, Path dir, Map<String, String> env, Path data, String domainsVersion, WhileRunning action)
            throws Exception {
        List<String> options = HaystackProcess.bundleCacheOptions(jar, data);
        try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, jar, dir, env, options)) {
            String line = haystack.awaitLine(l -> l.contains("haystack started"), START_WITHIN);
            Matcher m = STARTED.matcher(line);
            assertTrue(m.find(), line);
            String info = get(haystack.listenedPort("listener=admin"), "/api/info");
            String domains = "\"name\":\"" + CHANGED_BUNDLE + "\",\"version\":\"";
            int at = info.indexOf(domains);
            assertTrue(at >= 0, info);
            String version = info.substring(at + domains.length(), info.indexOf('"', at + domains.length()));
            if (domainsVersion == null) {
                assertTrue(!version.equals(CHANGED_VERSION), info);
            } else {
                assertEquals(domainsVersion, version, "the running " + CHANGED_BUNDLE + " is the jar's: " + info);
            }
            action.accept(haystack);
            haystack.terminate();
            assertEquals(143, haystack.awaitExit(Duration.ofSeconds(60)), "stopped by SIGTERM: " + haystack.output());
            return m;
        }
    }

    private String get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A copy of {@code jar} whose embedded bundle {@code bsn} has Bundle-Version {@code version}; the outer manifest as it was. */
    private static void withBundleVersion(Path jar, Path copy, String bsn, String version) throws IOException {
        try (ZipFile in = new ZipFile(jar.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
            boolean found = false;
            for (ZipEntry entry : in.stream().toList()) {
                byte[] bytes;
                try (InputStream s = in.getInputStream(entry)) {
                    bytes = s.readAllBytes();
                }
                if (entry.getName().startsWith("jar/" + bsn + "-")) {
                    bytes = withVersion(bytes, version);
                    found = true;
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
            assertTrue(found, "no jar/" + bsn + "-*.jar in " + jar);
        }
    }

    private static byte[] withVersion(byte[] bundle, String version) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new java.io.ByteArrayInputStream(bundle))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }
}
