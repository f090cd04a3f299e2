package haystack.dns.internal;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** A dnsmasq on a free loopback port serving a few host records: the upstream in tests. */
final class Dnsmasq implements AutoCloseable {

    private final Process process;
    private final int port;

    /** {@code records} are dnsmasq {@code --host-record} values such as {@code up.example.test,10.9.8.7}. */
    Dnsmasq(int ttl, String... records) throws IOException, InterruptedException {
        // A port free for UDP when probed may be taken for TCP, or taken by the time dnsmasq
        // binds it (other tests open sockets all the time): a port in use is tried again.
        String failure = "";
        for (int attempt = 0; attempt < 5; attempt++) {
            int candidate = freePort();
            Path log = Files.createTempFile("dnsmasq", ".log");
            List<String> cmd = new ArrayList<>(List.of("dnsmasq", "--no-daemon", "--port=" + candidate,
                    "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--user=root",
                    "--pid-file=", "--local=/example.test/", "--local-ttl=" + ttl, "--neg-ttl=" + ttl));
            for (String r : records) {
                cmd.add("--host-record=" + r);
            }
            Process started = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (answers(candidate, started)) {
                process = started;
                port = candidate;
                return;
            }
            stop(started);
            failure = Files.readString(log);
            if (!failure.contains("Address already in use")) {
                break;
            }
        }
        throw new IOException("dnsmasq did not start: " + failure);
    }

    private static int freePort() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }

    private static boolean answers(int port, Process p) throws InterruptedException, IOException {
        SimpleResolver probe = new SimpleResolver(new java.net.InetSocketAddress("127.0.0.1", port));
        probe.setTimeout(java.time.Duration.ofMillis(200));
        for (int i = 0; i < 50 && p.isAlive(); i++) {
            try {
                probe.send(Message.newQuery(Record.newRecord(Name.fromString("example.test."), Type.SOA, DClass.IN)));
                return true;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        return false;
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        stop(process);
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}
