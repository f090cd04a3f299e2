package haystack.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** The real OpenSSH client against a Haystack console on 127.0.0.1, as an operator drives it. */
public final class OpenSsh {

    /** Terminal control sequences a line editor writes around lines (CSI sequences, keypad modes). */
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001B(\\[[0-9;?]*[A-Za-z]|[=>])");

    public record Result(int status, String out, String err) {

        /** The output of a command that must have succeeded; fails with what it printed otherwise. */
        public String ok() {
            if (status != 0) {
                throw new AssertionError("exit status " + status + ": " + err + out);
            }
            return out;
        }
    }

    private final int port;
    private final Path knownHosts;

    public OpenSsh(int port, Path knownHosts) {
        this.port = port;
        this.knownHosts = knownHosts;
    }

    /** Makes an ECDSA key pair at {@code key} and {@code key.pub}. */
    public static void keygen(Path key) throws Exception {
        keygen(key, "ecdsa");
    }

    /** Makes a key pair of {@code type} ({@code ed25519}, {@code ecdsa}, {@code rsa}) with ssh-keygen's default size. */
    public static void keygen(Path key, String type) throws Exception {
        Result made = run(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-f", key.toString()), null);
        if (made.status() != 0) {
            throw new IOException("ssh-keygen -t " + type + " failed: " + made.err());
        }
    }

    /** The key's fingerprint as OpenSSH prints it: {@code SHA256:...}. */
    public static String fingerprint(Path key) throws Exception {
        String line = run(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub"), null).ok();
        return line.split("\\s+")[1];
    }

    /** The ssh command line with {@code identity} (or no key at all when null) and {@code extra} arguments. */
    public List<String> command(Path identity, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", String.valueOf(port),
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR"));
        if (identity != null) {
            cmd.addAll(List.of("-i", identity.toString(), "-o", "IdentitiesOnly=yes"));
        } else {
            cmd.addAll(List.of("-o", "PubkeyAuthentication=no", "-o", "IdentitiesOnly=yes", "-i", "/dev/null"));
        }
        cmd.addAll(List.of(extra));
        return cmd;
    }

    /** {@code ssh host 'commandLine'}: one command, its output and exit status. */
    public Result exec(Path identity, String commandLine) throws Exception {
        return run(command(identity, "operator@127.0.0.1", commandLine), null);
    }

    /** An interactive session on a real pty ({@code -tt}, since stdin is a pipe). */
    public Terminal open(Path identity) throws IOException {
        return new Terminal(new ProcessBuilder(command(identity, "-tt", "operator@127.0.0.1")).redirectErrorStream(true).start());
    }

    public static Result run(List<String> cmd, String stdin) throws Exception {
        return run(cmd, stdin, Duration.ofSeconds(60));
    }

    /** Runs {@code cmd} to its end; its output is drained while it runs, so a talkative command cannot fill the pipe and hang. */
    public static Result run(List<String> cmd, String stdin, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        java.util.concurrent.CompletableFuture<byte[]> out = drain(p.getInputStream());
        java.util.concurrent.CompletableFuture<byte[]> err = drain(p.getErrorStream());
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out after " + timeout.toSeconds() + " s: " + cmd);
        }
        return new Result(p.exitValue(), new String(out.get(), StandardCharsets.UTF_8), new String(err.get(), StandardCharsets.UTF_8));
    }

    /** Reads {@code in} to its end on a thread of its own (the common pool may have one thread). */
    private static java.util.concurrent.CompletableFuture<byte[]> drain(java.io.InputStream in) {
        java.util.concurrent.CompletableFuture<byte[]> all = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                all.complete(in.readAllBytes());
            } catch (IOException e) {
                all.complete(new byte[0]);
            }
        }, "drain");
        t.setDaemon(true);
        t.start();
        return all;
    }

    /** One interactive session: type lines, wait for output, leave. */
    public static final class Terminal implements AutoCloseable {
        private final Process process;
        private final StringBuilder seen = new StringBuilder();
        private final byte[] buffer = new byte[8192];

        Terminal(Process process) {
            this.process = process;
        }

        public void type(String line) throws IOException {
            send((line + "\n").getBytes(StandardCharsets.UTF_8));
        }

        /** Sends raw bytes as typed keys, e.g. {@code 0x03} for Ctrl-C. */
        public void send(byte... keys) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write(keys);
            in.flush();
        }

        /** Waits until some output line matches {@code pattern}, returning that line; fails with all output on timeout. */
        public String await(Pattern pattern, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String found = read().lines().map(String::strip).filter(l -> pattern.matcher(l).find()).findFirst().orElse(null);
                if (found != null) {
                    return found;
                }
                if (!process.isAlive() && process.getInputStream().available() == 0) {
                    break;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no line matching '" + pattern + "' in:\n" + output());
        }

        /** Everything the session printed so far, without terminal control sequences. */
        public String output() throws IOException {
            return read();
        }

        private String read() throws IOException {
            int available = process.getInputStream().available();
            while (available > 0) {
                int n = process.getInputStream().read(buffer, 0, Math.min(available, buffer.length));
                seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                available = process.getInputStream().available();
            }
            return ANSI_ESCAPE.matcher(seen).replaceAll("");
        }

        /** Waits for the session to end by itself (after exit); returns the ssh client's status. */
        public int awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("session still open after " + timeout);
            }
            return process.exitValue();
        }

        /** Drops the connection without a word, as a lost client does. */
        public void kill() {
            process.destroyForcibly();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
