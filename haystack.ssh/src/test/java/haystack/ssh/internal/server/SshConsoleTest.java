package haystack.ssh.internal.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import haystack.api.RegistrySnapshot;
import haystack.ssh.internal.commands.RegistryCommands;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH console against the real OpenSSH client, on a real Gogo command processor. */
class SshConsoleTest {

    @TempDir
    Path dir;

    private ThreadIOImpl threadIO;
    private CommandProcessorImpl processor;
    private SshConsole console;
    private Path goodKey;
    private Path badKey;

    @BeforeEach
    void setUp() throws Exception {
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        processor.addCommand("haystack", new RegistryCommands(() -> RegistrySnapshot.EMPTY));
        processor.addCommand("test", new Echo(), "echo");
        goodKey = dir.resolve("good");
        badKey = dir.resolve("bad");
        SshClient.keygen(goodKey);
        SshClient.keygen(badKey);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (console != null) {
            console.deactivate();
        }
        threadIO.stop();
    }

    private SshClient start(String keys, Path keysFile) throws Exception {
        console = new SshConsole(config(keys, keysFile == null ? "" : keysFile.toString(), dir.resolve("data").toString()), processor);
        return new SshClient(console.port(), dir.resolve("known_hosts"));
    }

    private String publicKey(Path key) throws Exception {
        return Files.readString(Path.of(key + ".pub")).trim();
    }

    @Test
    void anAuthorizedKeyRunsACommandAndGetsItsStatus() throws Exception {
        SshClient ssh = start(publicKey(goodKey), null);

        SshClient.Result ok = ssh.exec(goodKey, "haystack:services");
        assertEquals(0, ok.status(), ok.err());
        assertTrue(ok.out().startsWith("SERVICE  ENDPOINTS"), ok.out());

        SshClient.Result missing = ssh.exec(goodKey, "no-such-command");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("command not found: no-such-command"), missing.err());
    }

    @Test
    void aWrongKeyNoKeyAndPasswordsAreRefused() throws Exception {
        SshClient ssh = start(publicKey(goodKey), null);

        SshClient.Result wrong = ssh.exec(badKey, "haystack:services");
        assertEquals(255, wrong.status());
        assertTrue(wrong.err().contains("Permission denied (publickey)"), wrong.err());

        SshClient.Result none = ssh.exec(null, "haystack:services");
        assertEquals(255, none.status());
        assertTrue(none.err().contains("Permission denied (publickey)"), "only publickey is offered: " + none.err());

        List<String> password = ssh.command(null, "-o", "PreferredAuthentications=password,keyboard-interactive",
                "-o", "PasswordAuthentication=yes", "-o", "KbdInteractiveAuthentication=yes", "operator@127.0.0.1", "lb");
        SshClient.Result pw = SshClient.run(password, null);
        assertEquals(255, pw.status());
        assertTrue(pw.err().contains("Permission denied (publickey)"), pw.err());
    }

    @Test
    void theKeysFileIsReReadWhenItChanges() throws Exception {
        Path file = dir.resolve("authorized_keys");
        Files.writeString(file, publicKey(badKey) + "\n");
        SshClient ssh = start("", file);
        assertEquals(255, ssh.exec(goodKey, "haystack:services").status());

        Files.writeString(file, "# operators\n" + publicKey(goodKey) + "\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        assertEquals(0, ssh.exec(goodKey, "haystack:services").status());
        assertEquals(255, ssh.exec(badKey, "haystack:services").status());
    }

    @Test
    void theHostKeyIsKeptOwnerOnlyAndReusedOnRestart() throws Exception {
        start(publicKey(goodKey), null);
        Path hostKey = dir.resolve("data").resolve(HostKeys.FILE_NAME);
        byte[] first = Files.readAllBytes(hostKey);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(hostKey)));
        console.deactivate();

        SshClient ssh = start(publicKey(goodKey), null);
        assertArrayEquals(first, Files.readAllBytes(hostKey));
        // the client saw the first server's key (accept-new) and accepts the restarted one
        assertEquals(0, ssh.exec(goodKey, "haystack:services").status());
    }

    @Test
    void twoInteractiveSessionsAtOnceEachWithItsOwnShell() throws Exception {
        SshClient ssh = start(publicKey(goodKey), null);
        Process a = interactive(ssh);
        Process b = interactive(ssh);
        try {
            send(a, "echo from-a\n");
            send(b, "echo from-b\n");
            awaitOutput(a, "from-a");
            awaitOutput(b, "from-b");
            send(a, "exit\n");
            send(b, "exit\n");
            assertTrue(a.waitFor(30, TimeUnit.SECONDS) && b.waitFor(30, TimeUnit.SECONDS), "exit leaves both sessions");
            assertEquals(0, a.exitValue());
            assertEquals(0, b.exitValue());
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
        }
    }

    private Process interactive(SshClient ssh) throws Exception {
        // -tt: a real pty even though our stdin is a pipe
        return new ProcessBuilder(ssh.command(goodKey, "-tt", "operator@127.0.0.1")).redirectErrorStream(true).start();
    }

    private static void send(Process p, String text) throws Exception {
        OutputStream in = p.getOutputStream();
        in.write(text.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Terminal control sequences jline writes around lines (CSI sequences, keypad modes). */
    private static final java.util.regex.Pattern ANSI_ESCAPE = java.util.regex.Pattern.compile("\u001B(\\[[0-9;?]*[A-Za-z]|[=>])");

    /** Waits, at most 30 s, for a line that is exactly {@code expected} (the echo of the typed command differs). */
    private static void awaitOutput(Process p, String expected) throws Exception {
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            int available = p.getInputStream().available();
            if (available > 0) {
                int n = p.getInputStream().read(buffer, 0, Math.min(available, buffer.length));
                seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                String text = ANSI_ESCAPE.matcher(seen).replaceAll("");
                if (text.lines().anyMatch(line -> line.strip().equals(expected))) {
                    return;
                }
            } else if (!p.isAlive()) {
                break;
            } else {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no line '" + expected + "' in:\n" + seen);
    }

    /** A command of our own: the Gogo shell bundle's echo is not there outside OSGi. */
    public static final class Echo {
        public String echo(String word) {
            return word;
        }
    }

    private static SshConsole.Config config(String keys, String keysFile, String data) {
        return new SshConsole.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SshConsole.Config.class;
            }

            @Override
            public int port() {
                return 0;
            }

            @Override
            public String bind() {
                return "127.0.0.1";
            }

            @Override
            public String authorized_keys() {
                return keys;
            }

            @Override
            public String authorized_keys_file() {
                return keysFile;
            }

            @Override
            public String data() {
                return data;
            }
        };
    }
}
