package haystack.itest.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import haystack.itest.HaystackProcess;
import haystack.itest.Ports;
import haystack.itest.ssh.logger.ThreadLogger;
import haystack.itest.ssh.zone.LabZone;
import haystack.testing.OpenSsh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH console of the exported jar (the OSGi framework users run) with the real OpenSSH
 * client: every key type OpenSSH makes, the audit trail and what components log while a
 * command runs in Haystack's own log (never in the session), Ctrl-C, exit
 * statuses, and {@code haystack:dns} answering as {@code dig} gets it from the server.
 */
class SshConsoleInJarTest {

    private static final List<String> KEY_TYPES = List.of("ed25519", "ecdsa", "rsa");

    @TempDir
    Path dir;

    @Test
    void keysAuditCtrlCExitStatusAndDnsInTheExportedJar() throws Exception {
        Map<String, Path> keys = new HashMap<>();
        Map<String, Path> wrong = new HashMap<>();
        StringBuilder authorized = new StringBuilder();
        for (String type : KEY_TYPES) {
            keys.put(type, dir.resolve(type));
            wrong.put(type, dir.resolve(type + "-wrong"));
            OpenSsh.keygen(keys.get(type), type);
            OpenSsh.keygen(wrong.get(type), type);
            authorized.append(Files.readString(Path.of(keys.get(type) + ".pub")).trim()).append(';');
        }
        int sshPort = Ports.free();
        int dnsPort = Ports.free();
        Map<String, String> env = new HashMap<>(Ports.allFree(dir));
        env.put("HAYSTACK_SSH_PORT", String.valueOf(sshPort));
        env.put("HAYSTACK_DNS_PORT", String.valueOf(dnsPort));
        env.put("HAYSTACK_DNS_BIND", "127.0.0.1");
        env.put("HAYSTACK_ADDRESS", "127.0.0.1");
        env.put("HAYSTACK_SSH_AUTHORIZED_KEYS", authorized.toString());
        try (HaystackProcess haystack = new HaystackProcess(Path.of(System.getProperty("java.home")), dir, env)) {
            haystack.awaitLine(l -> l.contains("ssh listening port=" + sshPort), Duration.ofSeconds(60));
            haystack.awaitLine(l -> l.contains("dns server started"), Duration.ofSeconds(60));
            OpenSsh ssh = new OpenSsh(sshPort, dir.resolve("known_hosts"));

            for (String type : KEY_TYPES) {
                OpenSsh.Result ok = ssh.exec(keys.get(type), "echo logged-in");
                assertEquals(0, ok.status(), type + ": " + ok.err() + "\n" + haystack.output());
                assertEquals("logged-in", ok.out().strip());
                OpenSsh.Result refused = ssh.exec(wrong.get(type), "echo logged-in");
                assertEquals(255, refused.status(), type + " wrong key: " + refused.out());
                assertTrue(refused.err().contains("Permission denied (publickey)"), refused.err());
            }
            assertFalse(haystack.output().contains("Failing resolver") || haystack.output().contains("EdDSA provider not supported"),
                    haystack.output());

            Path operator = keys.get("ed25519");
            String fingerprint = OpenSsh.fingerprint(operator);
            String who = " user=operator key=" + fingerprint;

            for (String command : List.of("haystack:endpoints nosuch", "haystack:strategy nosuch", "haystack:strategy nosuch round-robin",
                    "haystack:drain nosuch", "haystack:undrain nosuch", "haystack:dns nosuch.services.haystack", "haystack:dns haystack BOGUS",
                    "haystack:dns a..b")) {
                OpenSsh.Result failed = ssh.exec(operator, command);
                assertEquals(1, failed.status(), command + ": " + failed.out() + failed.err());
                assertTrue(failed.err().startsWith("error: "), command + ": " + failed.err());
            }

            // a zone inside the services zone, installed and started from the console: audited
            Path bundle = ZoneBundle.write(dir);
            OpenSsh.Result installed = ssh.exec(operator, "install file:" + bundle);
            Matcher id = Pattern.compile("(\\d+)").matcher(installed.ok());
            assertTrue(id.find(), installed.out());
            OpenSsh.Result started = ssh.exec(operator, "start " + id.group(1));
            started.ok();
            String bundleName = "bundle=" + ZoneBundle.SYMBOLIC_NAME + ":1.0.0 id=" + id.group(1);
            haystack.awaitLine(l -> l.contains("operator action=install " + bundleName + who), Duration.ofSeconds(10));
            haystack.awaitLine(l -> l.contains("operator action=start " + bundleName + who), Duration.ofSeconds(10));
            assertFalse(installed.out().contains("operator action") || installed.err().contains("operator action"),
                    "the audit line is Haystack's, not the session's: " + installed);
            // what a component logs while a console command starts it is Haystack's log too
            haystack.awaitLine(l -> l.contains("dns zone provider added provider=" + LabZone.class.getName()), Duration.ofSeconds(10));
            assertFalse((started.out() + started.err()).contains("zone provider added"), "log lines stay out of the session: " + started);

            // the server takes the longest zone (lab.services), the console must too
            String name = "db.lab.services.haystack";
            List<List<String>> fromDig = digAnswer(dnsPort, name, "A");
            assertEquals(List.of(List.of(name + ".", "5", "A", LabZone.ADDRESS)), fromDig);
            assertEquals(fromDig, shellAnswer(ssh.exec(operator, "haystack:dns " + name + " A").ok()));
            assertEquals(digAnswer(dnsPort, "haystack", "SOA"), shellAnswer(ssh.exec(operator, "haystack:dns haystack SOA").ok()));

            ssh.exec(operator, "stop " + id.group(1)).ok();
            ssh.exec(operator, "uninstall " + id.group(1)).ok();
            haystack.awaitLine(l -> l.contains("operator action=stop " + bundleName + who), Duration.ofSeconds(10));
            haystack.awaitLine(l -> l.contains("operator action=uninstall " + bundleName + who), Duration.ofSeconds(10));
            assertEquals(1, ssh.exec(operator, "haystack:dns " + name + " A").status(), "gone with its bundle: NXDOMAIN");

            // and so is what it logs later from a thread it started meanwhile: Gogo hands a
            // command's streams down to the threads it starts
            Matcher logger = Pattern.compile("(\\d+)").matcher(ssh.exec(operator, "install file:" + LoggerBundle.write(dir)).ok());
            assertTrue(logger.find());
            OpenSsh.Result loggerStarted = ssh.exec(operator, "start " + logger.group(1));
            loggerStarted.ok();
            haystack.awaitLine(l -> l.contains(ThreadLogger.ACTIVATED), Duration.ofSeconds(10));
            haystack.awaitLine(l -> l.contains(ThreadLogger.LATER), Duration.ofSeconds(10));
            assertFalse((loggerStarted.out() + loggerStarted.err()).contains("thread logger"), "log lines stay out of the session: " + loggerStarted);

            // Ctrl-C (the byte a terminal sends) ends a trace and leaves the session at its prompt
            try (OpenSsh.Terminal session = ssh.open(operator)) {
                session.type("haystack:trace true");
                session.await(Pattern.compile("^trace on"), Duration.ofSeconds(30));
                haystack.awaitLine(l -> l.contains("operator action=trace on=true" + who), Duration.ofSeconds(10));
                session.send((byte) 0x03);
                session.await(Pattern.compile("^trace off$"), Duration.ofSeconds(30));
                haystack.awaitLine(l -> l.contains("operator action=trace on=false via=ctrl-c" + who), Duration.ofSeconds(10));
                assertTrue(ssh.exec(operator, "haystack:trace").ok().contains("0 sessions tracing"));
                // the SSH "break" request (RFC 4335), which OpenSSH sends for the escape ~B, does the same
                session.type("haystack:trace true");
                awaitCount(haystack, "operator action=trace on=true" + who, 2);
                session.send("\n~B".getBytes(StandardCharsets.UTF_8));
                haystack.awaitLine(l -> l.contains("operator action=trace on=false via=signal" + who), Duration.ofSeconds(10));
                assertTrue(ssh.exec(operator, "haystack:trace").ok().contains("0 sessions tracing"));
                session.type("echo still-here");
                session.await(Pattern.compile("^still-here$"), Duration.ofSeconds(30));
                session.type("exit");
                assertEquals(0, session.awaitExit(Duration.ofSeconds(30)));
            }
        }
    }

    private static void awaitCount(HaystackProcess haystack, String text, int count) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (haystack.lines().stream().filter(l -> l.contains(text)).count() >= count) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(count + " lines with '" + text + "' expected in:\n" + haystack.output());
    }

    /** The answer section dig gets from the server: name, TTL, type, data of each record. */
    private static List<List<String>> digAnswer(int port, String name, String type) throws Exception {
        Process p = new ProcessBuilder("dig", "@127.0.0.1", "-p", String.valueOf(port), "+time=3", "+tries=1", "+noall", "+answer", name, type)
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "dig finished");
        List<List<String>> records = new ArrayList<>();
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
            if (!line.isBlank() && !line.startsWith(";")) {
                List<String> fields = new ArrayList<>(List.of(line.strip().split("\\s+")));
                fields.remove(2); // the class, IN
                records.add(List.of(fields.get(0), fields.get(1), fields.get(2), String.join(" ", fields.subList(3, fields.size()))));
            }
        }
        return records;
    }

    /** The records of haystack:dns's table (NAME TTL TYPE DATA), up to an additional section. */
    private static List<List<String>> shellAnswer(String table) {
        List<List<String>> records = new ArrayList<>();
        for (String line : table.lines().skip(1).toList()) {
            if (line.startsWith("additional:")) {
                break;
            }
            String[] f = line.strip().split("\\s+", 4);
            records.add(List.of(f[0], f[1], f[2], String.join(" ", f[3].strip().split("\\s+"))));
        }
        return records;
    }
}
