package haystack.ssh.internal.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real OpenSSH client, driven as an operator drives it. */
final class SshClient {

    record Result(int status, String out, String err) {
    }

    private final int port;
    private final Path knownHosts;

    SshClient(int port, Path knownHosts) {
        this.port = port;
        this.knownHosts = knownHosts;
    }

    static void keygen(Path key) throws Exception {
        run(List.of("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", key.toString()), null);
    }

    List<String> command(Path identity, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", String.valueOf(port),
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "ConnectTimeout=10",
                "-o", "LogLevel=ERROR"));
        if (identity != null) {
            cmd.addAll(List.of("-i", identity.toString(), "-o", "IdentitiesOnly=yes"));
        } else {
            cmd.addAll(List.of("-o", "PubkeyAuthentication=no", "-o", "IdentitiesOnly=yes", "-i", "/dev/null"));
        }
        cmd.addAll(List.of(extra));
        return cmd;
    }

    Result exec(Path identity, String commandLine) throws Exception {
        List<String> cmd = command(identity, "operator@127.0.0.1", commandLine);
        return run(cmd, null);
    }

    static Result run(List<String> cmd, String stdin) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
