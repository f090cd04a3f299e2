package haystack.lb.internal;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's HAProxy (2.6) as a child process: one HTTP frontend on a free loopback port in
 * front of one server, with its defaults otherwise (keep-alive both sides, strict parsing,
 * no {@code accept-invalid-http-request}), short timeouts and no health checks. Runs in
 * the foreground ({@code -db}); its output goes to a log file beside the config.
 */
final class HaproxyProcess implements AutoCloseable {

    /**
     * The binary named by system property {@code haproxy.binary} (blank: none), else where
     * Debian installs it, else the first haproxy on the PATH; null when there is none.
     */
    static String find() {
        String chosen = System.getProperty("haproxy.binary");
        if (chosen != null) {
            return chosen.isBlank() || !new File(chosen).canExecute() ? null : chosen;
        }
        if (new File("/usr/sbin/haproxy").canExecute()) {
            return "/usr/sbin/haproxy";
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                File f = new File(dir, "haproxy");
                if (f.canExecute()) {
                    return f.getPath();
                }
            }
        }
        return null;
    }

    private final Process process;
    private final int port;
    private final Path dir;
    final Path log;

    HaproxyProcess(String binary, int backendPort) throws IOException, InterruptedException {
        port = freePort();
        dir = Files.createTempDirectory("haystack-haproxy");
        Path config = dir.resolve("haproxy.cfg");
        log = dir.resolve("haproxy.log");
        Files.writeString(config, String.join("\n",
                "global",
                "    nbthread 1",
                "defaults",
                "    mode http",
                "    timeout connect 2s",
                "    timeout client 5s",
                "    timeout server 5s",
                "    timeout http-request 5s",
                "    timeout http-keep-alive 5s",
                "frontend conformance",
                "    bind 127.0.0.1:" + port,
                "    default_backend capture",
                "backend capture",
                "    server capture 127.0.0.1:" + backendPort,
                ""), StandardCharsets.US_ASCII);
        process = new ProcessBuilder(binary, "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("haproxy exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    close();
                    throw new IOException("haproxy did not listen on " + port + " within 10 s: " + Files.readString(log));
                }
                Thread.sleep(50);
            }
        }
    }

    int port() {
        return port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temp dir left behind
        }
    }
}
