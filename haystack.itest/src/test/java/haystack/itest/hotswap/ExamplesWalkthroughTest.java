package haystack.itest.hotswap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import haystack.itest.HaystackEnv;
import haystack.itest.HaystackProcess;
import haystack.itest.Ports;
import haystack.testing.OpenSsh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/README.md, step by step, against the exported jar: the three example projects
 * built from a copy of {@code examples/} with the wrapper, as a fresh clone builds them;
 * each installed over SSH (the real OpenSSH client, an Ed25519 key), used, and uninstalled.
 * The discovery source brings two loopback backends, the zone answers their addresses, the
 * strategy sends every request to one of them, and its uninstall falls back to round-robin
 * without a failed request. No Docker: {@code DOCKER_HOST=none}.
 */
class ExamplesWalkthroughTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String SERVICE = "demo";
    private static final String HOST = SERVICE + ".services.haystack";
    private static final Pattern BUNDLE_ID = Pattern.compile("Bundle ID: (\\d+)");

    @TempDir
    Path dir;

    private final List<HttpServer> backends = new ArrayList<>();

    @AfterEach
    void stopBackends() {
        backends.forEach(b -> b.stop(0));
    }

    @Test
    void theExamplesAreBuiltInstalledUsedAndUninstalledOverSsh() throws Exception {
        long start = System.nanoTime();
        int a = backend("127.0.0.1", "A");
        int b = backend("127.0.0.2", "B");
        // the source's file, in Haystack's working directory as the README has it
        Files.writeString(dir.resolve("example-source.properties"), SERVICE + "=127.0.0.1:" + a + ", 127.0.0.2:" + b + "\n");

        Path key = dir.resolve("id_ed25519");
        OpenSsh.keygen(key, "ed25519");
        int http = Ports.free();
        int dns = Ports.free();
        int sshPort = Ports.free();
        Map<String, String> env = HaystackEnv.under(dir).loopback().ssh(sshPort, key).port("HTTP", http).port("DNS", dns)
                .set("DOCKER_HOST", "none").map();

        try (HaystackProcess haystack = new HaystackProcess(Path.of(System.getProperty("java.home")), dir, env)) {
            // Haystack starts while the examples build
            Map<String, Path> jars = buildExamples();
            step("built", start);
            for (Path jar : jars.values()) {
                assertImportsHaystackApiOnly(jar);
            }
            haystack.awaitLine(l -> l.contains("haystack started"), Duration.ofSeconds(60));
            step("started", start);
            OpenSsh ssh = new OpenSsh(sshPort, dir.resolve("known_hosts"));
            String fingerprint = OpenSsh.fingerprint(key);

            // 1. the discovery source: its file's endpoints appear and take requests
            String source = install(ssh, key, jars.get("properties-source"));
            String endpoints = await(() -> ssh.exec(key, "haystack:endpoints " + SERVICE),
                    r -> r.status() == 0 && r.out().contains("127.0.0.2"), "both endpoints of " + SERVICE).out();
            assertTrue(endpoints.contains("127.0.0.1"), endpoints);
            assertEquals(Set.of("A", "B"), bodies(http, 10), "round-robin over the source's two endpoints");
            // an edit with a host name, a port out of range and a bad service name: those left out with a line, the rest kept
            Files.writeString(dir.resolve("example-source.properties"), SERVICE + "=127.0.0.1:" + a + ", 127.0.0.2:" + b
                    + ", db.example.com:80, 127.0.0.1:99999\nBad_Name=127.0.0.1:1\n");
            haystack.awaitLine(l -> l.contains("example source entry ignored service=demo endpoint=db.example.com:80"), Duration.ofSeconds(10));
            haystack.awaitLine(l -> l.contains("example source entry ignored service=demo endpoint=127.0.0.1:99999"), Duration.ofSeconds(10));
            haystack.awaitLine(l -> l.contains("example source entry ignored service=Bad_Name"), Duration.ofSeconds(10));
            assertTrue(ssh.exec(key, "haystack:endpoints " + SERVICE).ok().contains("2 endpoints"), "the good entries kept");

            step("source", start);
            // 2. the zone: <service>.direct.haystack answers the endpoints' own addresses
            String zone = install(ssh, key, jars.get("direct-zone"));
            assertEquals(List.of("127.0.0.1", "127.0.0.2"), await(() -> dig(dns, SERVICE + ".direct.haystack"),
                    answers -> answers.size() == 2, "the direct zone answering").stream().sorted().toList());

            step("zone", start);
            // 3. the strategy: chosen, every request to one endpoint; uninstalled under traffic, round-robin again
            String strategy = install(ssh, key, jars.get("first-strategy"));
            haystack.awaitLine(l -> l.contains("operator action=start bundle=haystack.example.first:1.0.0 id=" + strategy
                    + " user=operator key=" + fingerprint), Duration.ofSeconds(10));
            await(() -> ssh.exec(key, "haystack:strategies").ok(), out -> out.contains("first"), "the strategy listed");
            try (RequestLoop loop = new RequestLoop(http, HOST, 4)) {
                ssh.exec(key, "haystack:strategy " + SERVICE + " first").ok();
                Map<String, Long> pinned = growth(loop);
                assertEquals(1, pinned.size(), "every request to the first endpoint: " + pinned);

                ssh.exec(key, "uninstall " + strategy).ok();
                await(() -> growth(loop), g -> g.size() == 2, "both endpoints answering again");
                assertTrue(ssh.exec(key, "haystack:strategy " + SERVICE).ok().contains("round-robin"));
                loop.close();
                assertTrue(loop.total() > 50, "requests flowed: " + loop.total());
                assertEquals(List.of(), loop.failures(), "0 failed requests across choosing and uninstalling, of " + loop.total());
            }

            step("strategy", start);
            // 4. the zone and the source uninstalled: their names go with them
            ssh.exec(key, "uninstall " + zone).ok();
            await(() -> digStatus(dns, SERVICE + ".direct.haystack"), "NXDOMAIN"::equals, "direct zone gone: NXDOMAIN");
            ssh.exec(key, "uninstall " + source).ok();
            await(() -> ssh.exec(key, "haystack:endpoints " + SERVICE).status(), status -> status == 1, "the source's endpoints gone");
            haystack.awaitLine(l -> l.contains("operator action=uninstall bundle=haystack.example.source:1.0.0 id=" + source),
                    Duration.ofSeconds(10));
            step("uninstalled", start);
        }
    }

    /** How long the walkthrough took to reach each step, in the test's output: where the time goes. */
    private static void step(String name, long start) {
        System.out.println("examples walkthrough step=" + name + " millis=" + (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * {@code ../mvnw -f examples/pom.xml package} on a copy of examples/ (its build output never
     * lands in the source tree), with the Maven repository of the build running this test:
     * offline first, since Haystack's own build has fetched every plugin the examples use,
     * then online once. Returns each example's jar by its folder.
     */
    private Map<String, Path> buildExamples() throws Exception {
        Path examples = dir.resolve("examples");
        Path source = ROOT.resolve("examples");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.filter(p -> !source.relativize(p).toString().contains("target")).toList()) {
                Path to = examples.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        // the examples have no tests: skipping them skips loading their plugins too
        List<String> mvn = new ArrayList<>(List.of(ROOT.resolve("mvnw").toString(), "-B", "-q", "-Dmaven.test.skip=true", "-f",
                examples.resolve("pom.xml").toString(), "package"));
        String repo = System.getProperty("haystack.maven.repo", "");
        if (!repo.isBlank() && !repo.startsWith("${")) {
            mvn.add("-Dmaven.repo.local=" + repo);
        }
        List<String> offline = new ArrayList<>(mvn);
        offline.add("-o");
        if (maven(offline, examples) != 0) {
            int status = maven(mvn, examples);
            assertEquals(0, status, "examples build: " + Files.readString(dir.resolve("examples-build.log")));
        }

        Map<String, Path> jars = new TreeMap<>();
        for (String project : List.of("first-strategy", "direct-zone", "properties-source")) {
            try (Stream<Path> built = Files.list(examples.resolve(project).resolve("target"))) {
                jars.put(project, built.filter(p -> p.toString().endsWith(".jar")).findFirst()
                        .orElseThrow(() -> new AssertionError("no jar built in " + project)));
            }
        }
        return jars;
    }

    private int maven(List<String> command, Path examples) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(examples.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("examples-build.log").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // a short Maven run spends its time compiling itself: C1 alone builds the examples 3x faster on a busy machine
        builder.environment().put("MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        Process build = builder.start();
        if (!build.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)) {
            build.destroyForcibly();
            throw new AssertionError("examples not built within 180 s: " + Files.readString(dir.resolve("examples-build.log")));
        }
        return build.exitValue();
    }

    /**
     * "Depends on haystack.api only": every package it imports is haystack.api's, the JDK's or
     * slf4j's (the logging API the runtime exports, as haystack.domains imports it).
     */
    private static void assertImportsHaystackApiOnly(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            String imports = file.getManifest().getMainAttributes().getValue("Import-Package");
            Set<String> packages = new TreeSet<>();
            for (String clause : imports.replaceAll("\"[^\"]*\"", "").split(",")) {
                packages.add(clause.split(";")[0].strip());
            }
            assertTrue(packages.stream().anyMatch(p -> p.startsWith("haystack.api")), jar + ": " + packages);
            assertEquals(List.of(), packages.stream()
                    .filter(p -> !p.startsWith("haystack.api") && !p.startsWith("java.") && !p.equals("org.slf4j")).toList(),
                    jar.getFileName() + " imports only haystack.api, java.* and org.slf4j");
            assertEquals(null, file.getManifest().getMainAttributes().getValue("Require-Bundle"), jar.toString());
        }
    }

    /** {@code install file:<jar>} then {@code start <id>} over SSH, as the README does; the bundle id. */
    private static String install(OpenSsh ssh, Path key, Path jar) throws Exception {
        String installed = ssh.exec(key, "install file:" + jar).ok();
        Matcher id = BUNDLE_ID.matcher(installed);
        assertTrue(id.find(), installed);
        ssh.exec(key, "start " + id.group(1)).ok();
        return id.group(1);
    }

    /** A loopback HTTP server answering {@code body} to every request. */
    private int backend(String address, String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 50);
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "backend-" + body);
            t.setDaemon(true);
            return t;
        }));
        server.start();
        backends.add(server);
        return server.getAddress().getPort();
    }

    /** The bodies of {@code count} requests through the balancer with curl. */
    private static Set<String> bodies(int port, int count) throws Exception {
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            seen.add(OpenSsh.run(List.of("curl", "-sS", "--max-time", "10", "-H", "Host: " + HOST,
                    "http://127.0.0.1:" + port + "/"), null).ok());
        }
        return seen;
    }

    /** What answered, and how often, during one second after half a second's settling. */
    private static Map<String, Long> growth(RequestLoop loop) throws InterruptedException {
        Thread.sleep(500);
        Map<String, Long> before = loop.bodies();
        Thread.sleep(1000);
        Map<String, Long> grew = new TreeMap<>();
        loop.bodies().forEach((body, n) -> {
            long more = n - before.getOrDefault(body, 0L);
            if (more > 0) {
                grew.put(body, more);
            }
        });
        return grew;
    }

    private static List<String> dig(int port, String name) throws Exception {
        return OpenSsh.run(List.of("dig", "@127.0.0.1", "-p", String.valueOf(port), "+time=2", "+tries=1", "+short", name, "A"), null)
                .out().lines().filter(l -> !l.isBlank() && !l.startsWith(";")).toList();
    }

    private static String digStatus(int port, String name) throws Exception {
        Matcher status = Pattern.compile("status: (\\w+)").matcher(OpenSsh.run(List.of("dig", "@127.0.0.1", "-p", String.valueOf(port),
                "+time=2", "+tries=1", name, "A"), null).out());
        return status.find() ? status.group(1) : null;
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    /** Asks {@code probe} until {@code done} holds, for up to 20 s; its last answer. */
    private static <T> T await(Probe<T> probe, java.util.function.Predicate<T> done, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " within 20 s; last: " + last);
    }
}
