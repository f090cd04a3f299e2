package haystack.ssh.internal.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import haystack.api.RegistrySnapshot;
import haystack.ssh.internal.commands.FixedRegistry;
import haystack.ssh.internal.commands.RegistryCommands;
import haystack.testing.OpenSsh;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        processor.addCommand("haystack", new RegistryCommands(new FixedRegistry(RegistrySnapshot.EMPTY)));
        processor.addCommand("test", new Echo(), "echo");
        goodKey = dir.resolve("good");
        badKey = dir.resolve("bad");
        OpenSsh.keygen(goodKey);
        OpenSsh.keygen(badKey);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (console != null) {
            console.deactivate();
        }
        threadIO.stop();
    }

    private OpenSsh start(String keys, Path keysFile) throws Exception {
        console = new SshConsole(config(keys, keysFile == null ? "" : keysFile.toString(), dir.resolve("data").toString()), processor);
        return new OpenSsh(console.port(), dir.resolve("known_hosts"));
    }

    private String publicKey(Path key) throws Exception {
        return Files.readString(Path.of(key + ".pub")).trim();
    }

    @Test
    void anAuthorizedKeyRunsACommandAndGetsItsStatus() throws Exception {
        OpenSsh ssh = start(publicKey(goodKey), null);

        OpenSsh.Result ok = ssh.exec(goodKey, "haystack:services");
        assertEquals(0, ok.status(), ok.err());
        assertTrue(ok.out().startsWith("SERVICE  ENDPOINTS"), ok.out());

        OpenSsh.Result missing = ssh.exec(goodKey, "no-such-command");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("command not found: no-such-command"), missing.err());
    }

    /** Every key type OpenSSH makes: Ed25519 (its default), ECDSA, RSA (signed with rsa-sha2-256/512). */
    @ParameterizedTest
    @ValueSource(strings = { "ed25519", "ecdsa", "rsa" })
    void everyKeyTypeOpenSshMakesLogsInAndItsWrongTwinIsRefused(String type) throws Exception {
        Path key = dir.resolve(type);
        Path wrong = dir.resolve(type + "-wrong");
        OpenSsh.keygen(key, type);
        OpenSsh.keygen(wrong, type);
        OpenSsh ssh = start(publicKey(key), null);

        OpenSsh.Result ok = ssh.exec(key, "echo logged-in");
        assertEquals(0, ok.status(), ok.err());
        assertEquals("logged-in", ok.out().strip());

        OpenSsh.Result refused = ssh.exec(wrong, "echo logged-in");
        assertEquals(255, refused.status(), refused.out());
        assertTrue(refused.err().contains("Permission denied (publickey)"), refused.err());
    }

    @Test
    void rsaKeysAreSignedWithSha2NeverSha1() throws Exception {
        Path key = dir.resolve("rsa");
        OpenSsh.keygen(key, "rsa");
        OpenSsh ssh = start(publicKey(key), null);
        for (String algorithm : new String[] { "rsa-sha2-256", "rsa-sha2-512" }) {
            OpenSsh.Result ok = OpenSsh.run(ssh.command(key, "-o", "PubkeyAcceptedAlgorithms=" + algorithm, "operator@127.0.0.1", "echo ok"), null);
            assertEquals(0, ok.status(), algorithm + ": " + ok.err());
        }
        OpenSsh.Result sha1 = OpenSsh.run(ssh.command(key, "-o", "PubkeyAcceptedAlgorithms=ssh-rsa", "operator@127.0.0.1", "echo ok"), null);
        assertEquals(255, sha1.status(), "ssh-rsa (SHA-1) signatures are refused: " + sha1.out());
    }

    @Test
    void theServerOffersAnEd25519HostKeyBesideTheEcdsaOne() throws Exception {
        start(publicKey(goodKey), null);
        for (String algorithm : new String[] { "ssh-ed25519", "ecdsa-sha2-nistp256" }) {
            OpenSsh ssh = new OpenSsh(console.port(), dir.resolve("known_hosts_" + algorithm));
            OpenSsh.Result ok = OpenSsh.run(ssh.command(goodKey, "-o", "HostKeyAlgorithms=" + algorithm, "operator@127.0.0.1", "echo ok"), null);
            assertEquals(0, ok.status(), algorithm + ": " + ok.err());
        }
        assertTrue(Files.readString(dir.resolve("data").resolve(HostKeys.ED25519_FILE_NAME)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));
    }

    @Test
    void anUnknownServiceExitsOne() throws Exception {
        OpenSsh ssh = start(publicKey(goodKey), null);
        OpenSsh.Result missing = ssh.exec(goodKey, "haystack:endpoints nosuch");
        assertEquals(1, missing.status(), missing.out());
        assertTrue(missing.err().contains("no service named 'nosuch'"), missing.err());
        assertEquals(0, ssh.exec(goodKey, "haystack:endpoints").status());
    }

    @Test
    void aWrongKeyNoKeyAndPasswordsAreRefused() throws Exception {
        OpenSsh ssh = start(publicKey(goodKey), null);

        OpenSsh.Result wrong = ssh.exec(badKey, "haystack:services");
        assertEquals(255, wrong.status());
        assertTrue(wrong.err().contains("Permission denied (publickey)"), wrong.err());

        OpenSsh.Result none = ssh.exec(null, "haystack:services");
        assertEquals(255, none.status());
        assertTrue(none.err().contains("Permission denied (publickey)"), "only publickey is offered: " + none.err());

        List<String> password = ssh.command(null, "-o", "PreferredAuthentications=password,keyboard-interactive",
                "-o", "PasswordAuthentication=yes", "-o", "KbdInteractiveAuthentication=yes", "operator@127.0.0.1", "lb");
        OpenSsh.Result pw = OpenSsh.run(password, null);
        assertEquals(255, pw.status());
        assertTrue(pw.err().contains("Permission denied (publickey)"), pw.err());
    }

    @Test
    void theKeysFileIsReReadWhenItChanges() throws Exception {
        Path file = dir.resolve("authorized_keys");
        Files.writeString(file, publicKey(badKey) + "\n");
        OpenSsh ssh = start("", file);
        assertEquals(255, ssh.exec(goodKey, "haystack:services").status());

        Files.writeString(file, "# operators\n" + publicKey(goodKey) + "\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        assertEquals(0, ssh.exec(goodKey, "haystack:services").status());
        assertEquals(255, ssh.exec(badKey, "haystack:services").status());
    }

    @Test
    void theHostKeyIsKeptOwnerOnlyAndReusedOnRestart() throws Exception {
        OpenSsh before = start(publicKey(goodKey), null);
        // the keys are loaded (here: generated) off start-up's path; the first connection waits for them
        assertEquals(0, before.exec(goodKey, "haystack:services").status());
        Path hostKey = dir.resolve("data").resolve(HostKeys.FILE_NAME);
        byte[] first = Files.readAllBytes(hostKey);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(hostKey)));
        console.deactivate();

        OpenSsh ssh = start(publicKey(goodKey), null);
        assertArrayEquals(first, Files.readAllBytes(hostKey));
        // the client saw the first server's key (accept-new) and accepts the restarted one
        assertEquals(0, ssh.exec(goodKey, "haystack:services").status());
    }

    @Test
    void twoInteractiveSessionsAtOnceEachWithItsOwnShell() throws Exception {
        OpenSsh ssh = start(publicKey(goodKey), null);
        try (OpenSsh.Terminal a = ssh.open(goodKey); OpenSsh.Terminal b = ssh.open(goodKey)) {
            a.type("echo from-a");
            b.type("echo from-b");
            a.await(Pattern.compile("^from-a$"), Duration.ofSeconds(30));
            b.await(Pattern.compile("^from-b$"), Duration.ofSeconds(30));
            a.type("exit");
            b.type("exit");
            assertEquals(0, a.awaitExit(Duration.ofSeconds(30)), "exit leaves the session");
            assertEquals(0, b.awaitExit(Duration.ofSeconds(30)));
        }
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
