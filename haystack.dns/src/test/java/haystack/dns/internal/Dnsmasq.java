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
        try (DatagramSocket probe = new DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        Path log = Files.createTempFile("dnsmasq", ".log");
        List<String> cmd = new ArrayList<>(List.of("dnsmasq", "--no-daemon", "--port=" + port,
                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--user=root",
                "--pid-file=", "--local=/example.test/", "--local-ttl=" + ttl, "--neg-ttl=" + ttl));
        for (String r : records) {
            cmd.add("--host-record=" + r);
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SimpleResolver probe = new SimpleResolver(new java.net.InetSocketAddress("127.0.0.1", port));
        probe.setTimeout(java.time.Duration.ofMillis(200));
        for (int i = 0; i < 50; i++) {
            try {
                probe.send(Message.newQuery(Record.newRecord(Name.fromString("example.test."), Type.SOA, DClass.IN)));
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        close();
        throw new IOException("dnsmasq did not start: " + Files.readString(log));
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
