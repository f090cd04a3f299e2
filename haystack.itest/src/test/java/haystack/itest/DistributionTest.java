package haystack.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import haystack.testing.OpenSsh;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The exported jar, started from outside with environment variables, on every JDK here. */
class DistributionTest {

    private static final Pattern STARTED = Pattern.compile("haystack started bundles=(\\d+) active=(\\d+) fragments=(\\d+)");

    /** Java 17 (the default) and Java 25 (Temurin) when installed. */
    static Stream<Path> javaHomes() throws Exception {
        Path current = Path.of(System.getProperty("java.home"));
        Stream<Path> others;
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            others = jvms.filter(p -> p.getFileName().toString().matches("temurin-25.*"))
                    .filter(p -> Files.isExecutable(p.resolve("bin/java"))).toList().stream();
        } catch (java.io.IOException e) {
            others = Stream.empty();
        }
        return Stream.concat(Stream.of(current), others);
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void startsWithEveryBundleActiveStaysUpAndStopsOnSigterm(Path javaHome, @TempDir Path dir) throws Exception {
        try (HaystackProcess haystack = new HaystackProcess(javaHome, dir, Ports.allFree(dir))) {
            Matcher started = STARTED.matcher(haystack.awaitLine(l -> STARTED.matcher(l).find(), Duration.ofSeconds(60)));
            assertTrue(started.find());
            int bundles = Integer.parseInt(started.group(1));
            int active = Integer.parseInt(started.group(2));
            int fragments = Integer.parseInt(started.group(3));
            assertEquals(bundles, active + fragments, "every bundle but fragments is active");

            Thread.sleep(1000);
            assertTrue(haystack.isAlive(), "stays up with stdin closed and no terminal");

            haystack.terminate();
            haystack.awaitLine(l -> l.contains("haystack stopping"), Duration.ofSeconds(30));
            assertEquals(143, haystack.awaitExit(Duration.ofSeconds(30)), "exit status of a SIGTERM'd JVM");
            assertTrue(haystack.lines().stream().noneMatch(l -> l.contains("Exception")), haystack.output());
        }
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void answersDnsAndSshAsConfiguredByTheEnvironment(Path javaHome, @TempDir Path dir) throws Exception {
        int dnsPort = Ports.free();
        int sshPort = Ports.free();
        Path key = dir.resolve("operator");
        OpenSsh.keygen(key, "ed25519"); // ssh-keygen's default type, on every Java the jar runs on
        Map<String, String> env = new java.util.HashMap<>(Ports.allFree(dir));
        env.put("HAYSTACK_DNS_PORT", String.valueOf(dnsPort));
        env.put("HAYSTACK_SSH_PORT", String.valueOf(sshPort));
        env.put("HAYSTACK_ORIGIN", "example");
        env.put("HAYSTACK_TRACE", "true");
        env.put("HAYSTACK_SSH_AUTHORIZED_KEYS", Files.readString(Path.of(key + ".pub")).trim());
        try (HaystackProcess haystack = new HaystackProcess(javaHome, dir, env)) {
            haystack.awaitLine(l -> STARTED.matcher(l).find(), Duration.ofSeconds(60));
            haystack.awaitLine(l -> l.contains("ssh listening port=" + sshPort), Duration.ofSeconds(30));

            OpenSsh ssh = new OpenSsh(sshPort, dir.resolve("known_hosts"));
            String soa = OpenSsh.run(List.of("dig", "+short", "+time=2", "+tries=3", "@127.0.0.1", "-p", String.valueOf(dnsPort), "example", "SOA"), null).ok();
            assertTrue(soa.startsWith("ns.example. ") || soa.contains("example."), "SOA of the configured origin: " + soa);
            haystack.awaitLine(l -> l.contains("trace - dns query client=127.0.0.1") && l.contains("type=SOA"),
                    Duration.ofSeconds(10));

            String bundles = ssh.exec(key, "lb").ok();
            assertTrue(bundles.contains("Haystack DNS"), bundles);
            for (String command : List.of("headers 0", "inspect capability service 0", "scr:list",
                    "scr:info haystack.registry.internal.RegistryImpl", "haystack:services", "haystack:endpoints",
                    "haystack:containers", "haystack:strategies", "haystack:trace", "haystack:dns example SOA")) {
                ssh.exec(key, command).ok();
            }
            // an unknown service or name is an error the caller's exit status shows
            for (String command : List.of("haystack:strategy nginx", "haystack:dns nosuch.services.example")) {
                assertEquals(1, ssh.exec(key, command).status(), command);
            }
        }
    }


    @ParameterizedTest
    @MethodSource("javaHomes")
    void aBadSettingStopsStartUpWithOneLine(Path javaHome, @TempDir Path dir) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Ports.allFree(dir));
        env.put("HAYSTACK_HTTP_PORT", "eighty");
        try (HaystackProcess haystack = new HaystackProcess(javaHome, dir, env)) {
            assertEquals(78, haystack.awaitExit(Duration.ofSeconds(60)));
            List<String> lines = haystack.haystackLines();
            assertEquals(1, lines.size(), haystack.output());
            assertTrue(lines.get(0).endsWith("configuration error: HAYSTACK_HTTP_PORT='eighty' is not allowed; expected a port number 0-65535 (0 picks a free port)"),
                    lines.get(0));
        }
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void aConfigFileOverridesTheEnvironmentAndABadOneIsNamed(Path javaHome, @TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/haystack.dns.cfg"), "ttl=minus-one\n");
        try (HaystackProcess haystack = new HaystackProcess(javaHome, dir, Ports.allFree(dir))) {
            assertEquals(78, haystack.awaitExit(Duration.ofSeconds(60)));
            assertTrue(haystack.output().contains("configuration error: haystack.dns.cfg ttl='minus-one' is not allowed"), haystack.output());
        }
    }
}
