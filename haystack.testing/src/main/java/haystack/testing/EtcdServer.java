package haystack.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd (Debian's etcd-server) for tests: one member on free loopback ports with its
 * data in a directory of the test's, started, stopped, killed and started again on the same
 * ports and data, each step waiting (bounded) until it answers or is gone. Its output goes
 * to {@code etcd.log} beside the data.
 */
public final class EtcdServer implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/etcd");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final String initialCluster;
    private Process process;

    private EtcdServer(Path dir, String name, int clientPort, int peerPort, String initialCluster) {
        this.dir = dir;
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.initialCluster = initialCluster;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** One member on free ports, data under {@code dir}, started and answering. */
    public static EtcdServer start(Path dir) throws IOException, InterruptedException {
        int client = LoopbackPorts.freeTcp();
        int peer = LoopbackPorts.freeTcp();
        EtcdServer etcd = new EtcdServer(dir, "default", client, peer, "default=http://127.0.0.1:" + peer);
        etcd.start();
        return etcd;
    }

    /** A cluster of {@code size} members on free ports, data under {@code dir}/member-N, all answering. */
    public static List<EtcdServer> cluster(Path dir, int size) throws IOException, InterruptedException {
        int[] clients = new int[size];
        int[] peers = new int[size];
        StringBuilder initial = new StringBuilder();
        for (int i = 0; i < size; i++) {
            clients[i] = LoopbackPorts.freeTcp();
            peers[i] = LoopbackPorts.freeTcp();
            initial.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:").append(peers[i]);
        }
        List<EtcdServer> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            EtcdServer m = new EtcdServer(dir.resolve("member-" + i), "m" + i, clients[i], peers[i], initial.toString());
            m.launch();
            members.add(m);
        }
        for (EtcdServer m : members) {
            m.awaitHealthy();
        }
        return members;
    }

    /** {@code http://127.0.0.1:<client port>}. */
    public String url() {
        return "http://127.0.0.1:" + clientPort;
    }

    public int clientPort() {
        return clientPort;
    }

    /** Starts (again) on the same ports and data, and waits until it answers. */
    public synchronized void start() throws IOException, InterruptedException {
        launch();
        awaitHealthy();
    }

    /** SIGKILL, as a crash: waits until the process is gone. */
    public synchronized void kill() throws InterruptedException {
        end(true);
    }

    /** SIGTERM: waits until the process is gone. */
    public synchronized void stop() throws InterruptedException {
        end(false);
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    private synchronized void launch() throws IOException {
        if (isRunning()) {
            throw new IllegalStateException("etcd " + name + " is running already");
        }
        Files.createDirectories(dir);
        String self = "http://127.0.0.1:";
        List<String> cmd = List.of(BINARY.toString(), "--name", name, "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", self + clientPort, "--advertise-client-urls", self + clientPort,
                "--listen-peer-urls", self + peerPort, "--initial-advertise-peer-urls", self + peerPort,
                "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
                "--initial-cluster-token", "haystack-test-" + Integer.toHexString(initialCluster.hashCode()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile())).start();
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("etcd " + name + " exited " + process.exitValue() + ": " + log());
            }
            if (healthy()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException("etcd " + name + " not healthy within " + START_TIMEOUT + ": " + log());
    }

    private boolean healthy() {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(url() + "/health").openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(1000);
            try {
                if (c.getResponseCode() != 200) {
                    return false;
                }
                byte[] body = c.getInputStream().readNBytes(4096);
                return new String(body, StandardCharsets.UTF_8).contains("\"true\"");
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private void end(boolean kill) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        if (kill) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("etcd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }


    @Override
    public synchronized void close() throws InterruptedException {
        end(true);
    }

    @Override
    public String toString() {
        return "etcd " + name + " " + url();
    }
}
