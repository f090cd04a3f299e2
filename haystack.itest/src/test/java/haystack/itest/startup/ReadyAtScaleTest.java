package haystack.itest.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import haystack.itest.HaystackEnv;
import haystack.itest.HaystackProcess;
import haystack.testing.OpenSsh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At 100,000 endpoints from files (10,000 services), Haystack says ready only once its DNS
 * zones are indexed for them (SPEC §4): the first query after GET /ready says 200 is
 * answered without waiting for an index build. The bound is generous (a loaded machine),
 * an upper limit and not a timing: without the gate the first answer waited for seconds.
 */
class ReadyAtScaleTest {

    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final Pattern STATUS = Pattern.compile("status: ([A-Z]+)");
    private static final int SERVICES = 10_000;
    private static final int PER = 10;

    @Test
    void theFirstQueryAfterReadyAtOneHundredThousandEndpointsIsAnsweredWithoutWaiting(@TempDir Path dir) throws Exception {
        Path services = Files.createDirectory(dir.resolve("services"));
        for (int i = 0; i < SERVICES; i++) {
            StringBuilder y = new StringBuilder("port: redis\nendpoints:\n");
            for (int j = 0; j < PER; j++) {
                int k = i * PER + j;
                y.append("  - 10.").append((k >> 16) & 255).append('.').append((k >> 8) & 255).append('.').append(k & 255).append(":6379\n");
            }
            Files.writeString(services.resolve("s" + i + ".yaml"), y);
        }
        Map<String, String> env = HaystackEnv.under(dir).loopback().set("HAYSTACK_SERVICES_DIR", services.toString()).map();
        try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, dir, env)) {
            int dns = haystack.listenedPort("dns server started");
            int admin = haystack.listenedPort("listener=admin port=");
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (readyStatus(admin) != 200) {
                assertTrue(System.nanoTime() < deadline, "never ready\n" + haystack.output());
                assertTrue(haystack.isAlive(), haystack.output());
                Thread.sleep(20);
            }
            long start = System.nanoTime();
            OpenSsh.Result r = OpenSsh.run(List.of("dig", "@127.0.0.1", "-p", String.valueOf(dns), "+time=10", "+tries=1",
                    "s" + (SERVICES - 1) + ".services.haystack", "A"), null);
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("first query after ready answered in " + millis + " ms");
            Matcher status = STATUS.matcher(r.out());
            assertTrue(status.find(), r.out());
            assertEquals("NOERROR", status.group(1), r.out());
            assertTrue(r.out().contains("ANSWER: " + PER + ","), r.out());
            assertTrue(millis < 2000, "the first query after ready waited " + millis + " ms\n" + haystack.output());

            List<String> lines = haystack.lines();
            int caughtUp = indexOf(lines, "readiness gates caught up");
            int ready = indexOf(lines, "registry ready reason=");
            assertTrue(caughtUp >= 0 && ready > caughtUp, "the DNS zones caught up before the registry said ready\n" + haystack.output());
        }
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    /** GET /ready's status; 0 while nothing listens. */
    private static int readyStatus(int admin) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), admin)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            return head.startsWith("HTTP/1.1 ") ? Integer.parseInt(head.substring(9, 12)) : -1;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
