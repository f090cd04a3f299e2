package haystack.itest.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import haystack.itest.HaystackProcess;
import haystack.itest.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Start-up serves everything asked or stops (SPEC §7), against the exported jar: a port
 * that is taken stops it with one line naming the port and the reason and status 1;
 * settings that contradict each other, and a config directory that is a file, stop it
 * with one line naming the setting, the value and what is allowed and status 78. Never a
 * "haystack started" line, never a stack trace.
 */
class StartupFailureTest {

    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(90);

    @ParameterizedTest
    @ValueSource(strings = { "HAYSTACK_DNS_PORT", "HAYSTACK_HTTP_PORT", "HAYSTACK_HTTP_ALT_PORT", "HAYSTACK_HTTPS_PORT", "HAYSTACK_SSH_PORT", "HAYSTACK_ADMIN_PORT" })
    void aPortThatIsTakenStopsStartUpWithOneLineAndStatus1(String variable, @TempDir Path dir) throws Exception {
        try (ServerSocket tcp = new ServerSocket()) {
            tcp.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            int port = tcp.getLocalPort();
            try (DatagramSocket udp = new DatagramSocket(port)) { // DNS binds UDP first
                Map<String, String> env = new HashMap<>(Ports.allFree(dir));
                env.put(variable, String.valueOf(port));
                try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, dir, env)) {
                    assertEquals(1, haystack.awaitExit(EXIT_WITHIN), haystack.output());
                    List<String> lines = haystack.haystackLines();
                    List<String> failures = lines.stream().filter(l -> l.contains("haystack not started")).toList();
                    assertEquals(1, failures.size(), haystack.output());
                    assertTrue(failures.get(0).contains(variable + "=" + port) && failures.get(0).contains(String.valueOf(port)),
                            failures.get(0));
                    assertTrue(failures.get(0).contains("Address already in use"), failures.get(0));
                    assertNothingElseWentWrong(haystack);
                    List<String> errors = lines.stream().filter(l -> l.contains("[ERROR]")).toList();
                    // SshConsole (haystack.ssh) still logs its own line before the exception reaches DS
                    assertEquals(variable.equals("HAYSTACK_SSH_PORT") ? 2 : 1, errors.size(), haystack.output());
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "HAYSTACK_ADMIN_USER=admin | HAYSTACK_ADMIN_PASSWORD='' is not allowed; expected a password when HAYSTACK_ADMIN_USER is set (or neither)",
        "HAYSTACK_ADMIN_PASSWORD=s3cret | HAYSTACK_ADMIN_USER='' is not allowed; expected a user name when HAYSTACK_ADMIN_PASSWORD is set (or neither)",
        "HAYSTACK_HTTP_PORT=18080,HAYSTACK_HTTP_ALT_PORT=18080 | HAYSTACK_HTTP_ALT_PORT='18080' is not allowed; expected a port no other listener uses on the same address (HAYSTACK_HTTP_PORT is 18080 too)",
        "HAYSTACK_SSH_PORT=18022,HAYSTACK_ADMIN_PORT=18022 | HAYSTACK_ADMIN_PORT='18022' is not allowed; expected a port no other listener uses on the same address (HAYSTACK_SSH_PORT is 18022 too)",
        "HAYSTACK_LB_MAX_CONNECTIONS=0 | HAYSTACK_LB_MAX_CONNECTIONS='0' is not allowed; expected a whole number, 1 or more",
        "HAYSTACK_LB_IO_THREADS=100000 | HAYSTACK_LB_IO_THREADS='100000' is not allowed; expected a whole number 0-256 (0 picks half the cores, at least one)",
        "HAYSTACK_ADMIN_USER=a:b,HAYSTACK_ADMIN_PASSWORD=x | HAYSTACK_ADMIN_USER='a:b' is not allowed; expected a user name without ':' (RFC 7617), or empty for no authentication",
    })
    void settingsThatContradictEachOtherStopStartUpWithOneLineAnd78(String settings, String expected, @TempDir Path dir) throws Exception {
        Map<String, String> env = new HashMap<>(Ports.allFree(dir));
        for (String s : settings.split(",")) {
            String[] kv = s.split("=", 2);
            env.put(kv[0], kv[1]);
        }
        try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, dir, env)) {
            assertEquals(78, haystack.awaitExit(EXIT_WITHIN), haystack.output());
            List<String> lines = haystack.haystackLines();
            assertEquals(1, lines.size(), haystack.output());
            assertTrue(lines.get(0).endsWith("configuration error: " + expected), lines.get(0));
            assertNothingElseWentWrong(haystack);
        }
    }

    @Test
    void aConfigurationAComponentRefusesStopsStartUpWithOneLineAnd78(@TempDir Path dir) throws Exception {
        Map<String, String> env = new HashMap<>(Ports.allFree(dir));
        env.put("DOCKER_TLS_VERIFY", "1");
        env.put("DOCKER_CERT_PATH", dir.resolve("no-such-certs").toString());
        try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, dir, env)) {
            assertEquals(78, haystack.awaitExit(EXIT_WITHIN), haystack.output());
            List<String> errors = haystack.haystackLines().stream().filter(l -> l.contains("[ERROR]")).toList();
            assertEquals(1, errors.size(), haystack.output());
            assertTrue(errors.get(0).contains("haystack not started: configuration refused component=haystack.docker.internal.DockerDiscovery")
                    && errors.get(0).contains("DOCKER_CERT_PATH"), errors.get(0));
            assertNothingElseWentWrong(haystack);
        }
    }

    @Test
    void aConfigDirectoryThatIsAFileStopsStartUpWithOneLineAnd78(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("conf"), "not a directory\n");
        Map<String, String> env = new HashMap<>(Ports.allFree(dir));
        env.put("HAYSTACK_CONFIG_DIR", file.toString());
        try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, dir, env)) {
            assertEquals(78, haystack.awaitExit(EXIT_WITHIN), haystack.output());
            List<String> lines = haystack.haystackLines();
            assertEquals(1, lines.size(), haystack.output());
            assertTrue(lines.get(0).endsWith("configuration error: HAYSTACK_CONFIG_DIR='" + file + " (not a directory)' is not allowed; "
                    + "expected a readable directory of <pid>.cfg files, or a path where nothing is (environment only)"), lines.get(0));
        }
    }

    @Test
    void anUnknownKeyInACfgFileIsWarnedInOneLineNamingFileAndKey(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("conf"));
        Path file = Files.writeString(dir.resolve("conf/haystack.lb.cfg"), "max.conections=10\n");
        try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, dir, Ports.allFree(dir))) {
            haystack.awaitLine(l -> l.contains("haystack started"), EXIT_WITHIN);
            List<String> warned = new ArrayList<>(haystack.lines().stream().filter(l -> l.contains("key=max.conections")).toList());
            assertEquals(1, warned.size(), haystack.output());
            assertTrue(warned.get(0).contains("[WARN]") && warned.get(0).contains("file=" + file), warned.get(0));
        }
    }

    private static void assertNothingElseWentWrong(HaystackProcess haystack) {
        for (String line : haystack.lines()) {
            assertTrue(!line.contains("haystack started"), "said started: " + haystack.output());
            assertTrue(!line.startsWith("\tat ") && !line.startsWith("Caused by") && !line.contains("Exception in thread"),
                    "a stack trace: " + haystack.output());
        }
    }
}
