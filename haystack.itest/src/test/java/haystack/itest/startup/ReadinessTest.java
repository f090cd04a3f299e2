package haystack.itest.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import haystack.itest.HaystackEnv;
import haystack.itest.HaystackProcess;
import haystack.itest.Ports;
import haystack.testing.HttpdContainer;
import haystack.testing.LoopbackPorts;
import haystack.testing.OpenSsh;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts with a container already running and asks for its service from the first
 * moment the ports answer (SPEC §4): DNS never says NXDOMAIN (which resolvers would cache
 * for the SOA's minimum) and the load balancer never says 404; before the registry is
 * ready they say SERVFAIL and 503 with Retry-After: 1, and GET /ready says 503 starting;
 * then the service resolves and answers, /ready says 200 ready, and an unknown name is
 * NXDOMAIN again. Twice, as a restart is.
 */
@RequiresDocker
class ReadinessTest {

    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final Pattern STATUS = Pattern.compile("status: ([A-Z]+)");
    private static final String SERVICE = "readytest.services.haystack";

    /** What one probe round saw. */
    private record Round(String dns, int http, String retryAfter, int ready) {
    }

    @Test
    void anExistingServiceIsNeverNxdomainNor404WhileHaystackStarts(@TempDir Path dir) throws Exception {
        try (HttpdContainer web = new HttpdContainer("ready-one").withLabel("haystack.service", "readytest")
                .withLabel("haystack.itest", "readiness")) {
            web.start();
            for (int start = 1; start <= 2; start++) {
                Map<String, Integer> seen = startAndProbe(dir.resolve("run" + start));
                System.out.println("readiness run " + start + " saw " + seen);
            }
        }
    }

    private Map<String, Integer> startAndProbe(Path dir) throws Exception {
        Files.createDirectories(dir);
        // free for UDP too: dig asks from the first moment, before Haystack binds, and must not
        // reach another process's UDP socket on a port that was only free for TCP
        int dns = LoopbackPorts.freeUdpAndTcp();
        int http = Ports.free();
        int admin = Ports.free();
        Map<String, String> env = HaystackEnv.under(dir).loopback().port("DNS", dns).port("HTTP", http).port("ADMIN", admin)
                .set("HAYSTACK_DOCKER_PUBLISHED", "true").map();
        Map<String, Integer> seen = new TreeMap<>();
        try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, dir, env)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            boolean served = false;
            while (!served) {
                assertTrue(System.nanoTime() < deadline, "never served; saw " + seen + "\n" + haystack.output());
                assertTrue(haystack.isAlive(), haystack.output());
                Round r = new Round(dnsStatus(dns, SERVICE), httpStatus(http, SERVICE), retryAfter, httpStatus(admin, "/ready"));
                seen.merge("dns " + r.dns(), 1, Integer::sum);
                seen.merge("http " + r.http() + (r.retryAfter() == null ? "" : " retry-after " + r.retryAfter()), 1, Integer::sum);
                seen.merge("ready " + r.ready(), 1, Integer::sum);
                assertTrue(!"NXDOMAIN".equals(r.dns()) && !"NODATA".equals(r.dns()), "a negative answer for an existing service: " + r
                        + "\n" + lastDig + "\n" + haystack.output());
                assertTrue(r.http() != 404, "404 for an existing service: " + r + "\n" + haystack.output());
                if (r.http() == 503 && r.ready() != 200) {
                    assertEquals("1", r.retryAfter(), "503 while starting says when to retry");
                }
                served = "NOERROR".equals(r.dns()) && r.http() == 200 && r.ready() == 200;
                if (!served) {
                    Thread.sleep(20);
                }
            }
            assertEquals("NXDOMAIN", dnsStatus(dns, "nosuch.services.haystack"), "once ready, an unknown name is NXDOMAIN again");
            assertEquals(404, httpStatus(http, "nosuch.services.haystack"), "and an unknown host 404");
            assertTrue(haystack.output().contains("registry ready reason=sources-synchronised"), haystack.output());
            haystack.terminate();
            assertEquals(143, haystack.awaitExit(Duration.ofSeconds(30)));
        }
        return seen;
    }

    /** dig's whole output of the last query: a negative answer's SOA serial is the registry version that gave it. */
    private String lastDig;

    /** The response code dig reports, NODATA for NOERROR without an answer, "none" when nothing answers yet. */
    private String dnsStatus(int port, String name) throws Exception {
        OpenSsh.Result r = OpenSsh.run(List.of("dig", "+time=1", "+tries=1", "@127.0.0.1", "-p", String.valueOf(port), name, "A"), null);
        lastDig = r.out();
        Matcher m = STATUS.matcher(r.out());
        if (!m.find()) {
            return "none";
        }
        return "NOERROR".equals(m.group(1)) && r.out().contains("ANSWER: 0,") ? "NODATA" : m.group(1);
    }

    private String retryAfter;

    /** Status of GET / with this Host (or of GET path on the admin port); 0 when nothing listens yet. */
    private int httpStatus(int port, String hostOrPath) {
        boolean path = hostOrPath.startsWith("/");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + (path ? hostOrPath : "/") + " HTTP/1.1\r\nHost: " + (path ? "127.0.0.1" : hostOrPath)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(4096), StandardCharsets.ISO_8859_1);
            if (!path) {
                Matcher m = Pattern.compile("(?im)^Retry-After: *(\\S+)").matcher(head);
                retryAfter = m.find() ? m.group(1) : null;
            }
            return head.startsWith("HTTP/1.1 ") ? Integer.parseInt(head.substring(9, 12)) : -1;
        } catch (IOException e) {
            if (!path) {
                retryAfter = null;
            }
            return 0;
        }
    }
}
