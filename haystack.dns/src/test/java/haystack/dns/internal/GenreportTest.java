package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * ISC's DNS compliance tester, {@code genreport} in full mode ({@code -f}: EDNS, flags,
 * opcodes, TCP), against the server's own zone: every test ok, as from nsd. It is built
 * from the source archive in {@code src/test/genreport} once per machine (the build
 * dependencies are in .ci/run).
 */
class GenreportTest {

    private static final Path BUILD = Path.of("src/test/genreport/build.sh");
    private static final Path OUT = Path.of(System.getProperty("java.io.tmpdir"), "haystack-genreport-2c47450");

    @Test
    void fullModeIsAllOk() throws Exception {
        Path genreport = build();
        try (DnsFixture dns = new DnsFixture(ClientLimits.DEFAULT)) {
            dns.put(DnsFixture.endpoint("web", "web-1", "10.0.0.5", 80, "http"));
            // The origin, and a container's reverse name: each the apex of a zone Haystack serves.
            String report = run(List.of(genreport.toString(), "-f", "-P", String.valueOf(dns.port())),
                    "haystack ns.haystack 127.0.0.1\n5.0.0.10.in-addr.arpa ns.haystack 127.0.0.1\n", 120);
            for (String zone : List.of("haystack.", "5.0.0.10.in-addr.arpa.")) {
                String line = report.lines().filter(l -> l.startsWith(zone + " @127.0.0.1")).findFirst()
                        .orElseThrow(() -> new AssertionError("no report line for " + zone + ": " + report));
                List<String> notOk = new ArrayList<>();
                int tests = 0;
                for (String result : line.substring(line.indexOf("):") + 2).trim().split("\\s+")) {
                    tests++;
                    if (!result.endsWith("=ok")) {
                        notOk.add(result);
                    }
                }
                assertEquals(List.of(), notOk, line);
                assertTrue(tests >= 30 && line.contains(" opcodeflg=ok"), "full mode ran: " + line);
            }
        }
    }

    private static Path build() throws IOException, InterruptedException {
        String out = run(List.of("bash", BUILD.toString(), OUT.toString()), "", 600);
        Path binary = Path.of(out.strip().lines().reduce((a, b) -> b).orElse(""));
        assertTrue(Files.isExecutable(binary), "genreport did not build (needs build-essential autoconf automake libtool libssl-dev): " + out);
        return binary;
    }

    private static String run(List<String> cmd, String input, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish in " + seconds + " s: " + cmd);
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
