package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import haystack.registry.internal.RegistryImpl;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Binding: the default wildcard pair, and a port that is taken. */
class TransportTest {

    private static DnsSettings settings(int port, String... bind) {
        return new DnsSettings(port, DnsSettings.addresses("bind", bind), "haystack", 5, List.of(),
                DnsSettings.allow(new String[] { "127.0.0.0/8" }), List.of(), 2, 1000);
    }

    private static int soa(String server, int port, boolean tcp) throws IOException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress(server, port));
        r.setTimeout(Duration.ofSeconds(2));
        r.setTCP(tcp);
        return r.send(Message.newQuery(Record.newRecord(Name.fromString("haystack."), Type.SOA, DClass.IN))).getRcode();
    }

    @Test
    void defaultWildcardBindServesIpv4AndIpv6OnBothTransports() throws Exception {
        DnsServer server = new DnsServer(new RegistryImpl());
        server.start(settings(0, "0.0.0.0", "::"));
        try {
            assertEquals(Rcode.NOERROR, soa("127.0.0.1", server.port(), false));
            assertEquals(Rcode.NOERROR, soa("127.0.0.1", server.port(), true));
            if (ipv6Loopback()) {
                assertEquals(Rcode.NOERROR, soa("::1", server.port(), false));
                assertEquals(Rcode.NOERROR, soa("::1", server.port(), true));
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void aTakenPortFailsNamingThePortAndTheReason() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            DnsServer server = new DnsServer(new RegistryImpl());
            IOException e = assertThrows(IOException.class, () -> server.start(settings(taken.getLocalPort(), "127.0.0.1")));
            assertTrue(e.getMessage().contains("port " + taken.getLocalPort()), e.getMessage());
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
    }

    @Test
    void aSecondServerCannotShareThePort() throws Exception {
        DnsServer first = new DnsServer(new RegistryImpl());
        first.start(settings(0, "127.0.0.1"));
        try {
            DnsServer second = new DnsServer(new RegistryImpl());
            IOException e = assertThrows(IOException.class, () -> second.start(settings(first.port(), "127.0.0.1")));
            assertTrue(e.getMessage().contains("port " + first.port()), e.getMessage());
            assertEquals(Rcode.NOERROR, soa("127.0.0.1", first.port(), false));
        } finally {
            first.stop();
        }
    }

    private static boolean ipv6Loopback() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
