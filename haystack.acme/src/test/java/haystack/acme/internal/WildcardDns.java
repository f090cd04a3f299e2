package haystack.acme.internal;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import haystack.testing.LoopbackPorts;

/**
 * dnsmasq on a free loopback port answering every name with 127.0.0.1: the resolver
 * pebble's validator asks, so any host name a test orders for points at the test's
 * {@link ChallengeServer}.
 */
final class WildcardDns implements AutoCloseable {

    private final Process process;
    private final int port;

    WildcardDns(Path dir) throws IOException, InterruptedException {
        port = LoopbackPorts.freeUdpAndTcp();
        Files.createDirectories(dir);
        process = new ProcessBuilder(List.of("dnsmasq", "--keep-in-foreground", "--port=" + port, "--listen-address=127.0.0.1",
                "--bind-interfaces", "--no-resolv", "--no-hosts", "--address=/#/127.0.0.1", "--conf-file=/dev/null", "--pid-file="))
                .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.log").toFile()).start();
        Thread.sleep(200);
        if (!process.isAlive()) {
            throw new IOException("dnsmasq exited " + process.exitValue() + ": " + Files.readString(dir.resolve("dnsmasq.log")));
        }
    }

    /** dnsmasq listens on UDP and TCP: a port free for both. */

    String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
