package haystack.itest.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;
import haystack.itest.HaystackEnv;
import haystack.itest.HaystackProcess;
import haystack.testing.OpenSsh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file source end to end on the exported jar (SPEC §6b): two loopback HTTP servers
 * in one file, served through Haystack's port and named in its DNS; edits followed, a
 * broken edit ignored, the file deleted → 404 and NXDOMAIN, 10,000 endpoints loaded.
 */
class FileSourceTest {

    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final Duration FOLLOWED = Duration.ofSeconds(10);
    private static final Pattern STATUS = Pattern.compile("status: ([A-Z]+)");
    private static final String HOST = "filesrc.services.haystack";

    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    /** A loopback HTTP server answering every request with {@code body}; its port. */
    private int backend(String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    @Test
    void servesTheFilesBackendsFollowsEditsAndForgetsADeletedFile(@TempDir Path dir) throws Exception {
        int a = backend("backend-a");
        int b = backend("backend-b");
        Path services = Files.createDirectory(dir.resolve("services"));
        Path file = services.resolve("filesrc.yaml");
        write(file, "endpoints:\n  - 127.0.0.1:" + a + "\n  - 127.0.0.1:" + b + "\nstrategy: round-robin\n");
        StringBuilder many = new StringBuilder("endpoints:\n");
        for (int i = 0; i < 10_000; i++) {
            many.append("  - 10.77.").append(i / 256).append('.').append(i % 256).append(":80\n");
        }
        write(services.resolve("many.yaml"), many.toString());

        Map<String, String> env = HaystackEnv.under(dir).loopback().set("HAYSTACK_SERVICES_DIR", services.toString()).map();
        try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, dir, env)) {
            int http = haystack.listenedPort("listener=http port=");
            int dns = haystack.listenedPort("dns server started");
            int admin = haystack.listenedPort("listener=admin port=");
            haystack.awaitLine(l -> l.contains("file service loaded service=filesrc endpoints=2 file=" + file), FOLLOWED);
            haystack.awaitLine(l -> l.contains("file service loaded service=many endpoints=10000"), Duration.ofSeconds(60));

            String metrics = get(admin, "127.0.0.1", "/metrics");
            assertTrue(metrics.contains("\nhaystack_file_services 2"), metrics);
            assertTrue(metrics.contains("\nhaystack_file_loads_total 2"), metrics);

            // round-robin over the two servers of the file
            List<String> bodies = awaitBodies(http, 10, l -> l.contains("backend-a") && l.contains("backend-b"), "both backends");
            for (int i = 1; i < bodies.size(); i++) {
                assertTrue(!bodies.get(i).equals(bodies.get(i - 1)), "alternates: " + bodies);
            }
            Dig answer = dig(dns, HOST);
            assertEquals("NOERROR", answer.status(), answer.raw());
            assertEquals(List.of("127.0.0.1"), answer.answers(), "Haystack's own address: the service has an http port");

            // an edit removing one backend
            write(file, "endpoints:\n  - 127.0.0.1:" + a + "\nstrategy: round-robin\n");
            awaitBodies(http, 6, l -> l.stream().allMatch("backend-a"::equals), "only backend a after the edit");

            // a broken edit: logged with its line, the last good version served
            write(file, "endpoints:\n  - 127.0.0.1:" + b + "\n  - 127.0.0.1:99999\n");
            haystack.awaitLine(l -> l.contains("file rejected file=" + file + " line=3"), FOLLOWED);
            assertTrue(get(http, HOST).endsWith("backend-a"), "last good version still served");

            // the file deleted: 404 and NXDOMAIN
            Files.delete(file);
            haystack.awaitLine(l -> l.contains("file service removed service=filesrc file=" + file), FOLLOWED);
            // the balancer rebuilds its routes from the registry's change a moment later
            awaitBodies(http, 1, l -> l.get(0).startsWith("HTTP/1.1 404"), "404 once the file is gone");
            Dig nx = dig(dns, HOST);
            for (int i = 0; i < 50 && !"NXDOMAIN".equals(nx.status()); i++) {
                Thread.sleep(100);
                nx = dig(dns, HOST);
            }
            assertEquals("NXDOMAIN", nx.status(), nx.raw());
            assertTrue(haystack.lines().stream().noneMatch(l -> l.contains("Exception")), haystack.output());
        }
    }

    private List<String> awaitBodies(int http, int n, Predicate<List<String>> ok, String what) throws Exception {
        long deadline = System.nanoTime() + FOLLOWED.toNanos();
        List<String> bodies = List.of();
        while (System.nanoTime() < deadline) {
            List<String> round = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String response = get(http, HOST);
                round.add(response.startsWith("HTTP/1.1 200") ? response.substring(response.indexOf("\r\n\r\n") + 4) : response.lines().findFirst().orElse(""));
            }
            bodies = round;
            if (ok.test(bodies)) {
                return bodies;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " not seen within " + FOLLOWED + "; last: " + bodies);
    }

    /** One GET / with this Host on a fresh connection: the whole response. */
    private static String get(int port, String host) throws IOException {
        return get(port, host, "/");
    }

    private static String get(int port, String host, String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }


    record Dig(String status, List<String> answers, String raw) {
    }

    private static Dig dig(int port, String name) throws Exception {
        OpenSsh.Result r = OpenSsh.run(List.of("dig", "@127.0.0.1", "-p", String.valueOf(port), "+time=2", "+tries=2",
                "+noall", "+comments", "+answer", name, "A"), null);
        Matcher status = STATUS.matcher(r.out());
        List<String> answers = r.out().lines().filter(l -> !l.startsWith(";") && !l.isBlank())
                .map(l -> l.split("\\s+")).filter(f -> f.length >= 5 && f[3].equals("A")).map(f -> f[4]).toList();
        return new Dig(status.find() ? status.group(1) : null, answers, r.out());
    }
}
