package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Optional response rate limiting per client network over UDP (SPEC §4): a burst beyond
 * the rate from one /24 is partly dropped and partly answered truncated (slip), so a
 * real client retries over TCP; other networks and TCP are not limited; off by default.
 */
class RateLimitTest {

    private static final int BURST = 100;

    /** What came back for a burst of {@link #BURST} queries: whole answers, truncated ones, and the seconds it took. */
    private record Outcome(int answered, int truncated, double seconds) {
    }

    @Test
    void offByDefault() throws Exception {
        try (DnsFixture dns = new DnsFixture(ClientLimits.DEFAULT)) {
            dns.put(DnsFixture.endpoint("web", "web-1", "10.0.0.5", 80, "http"));
            Outcome o = burst(dns, "127.0.0.1");
            assertEquals(BURST, o.answered(), o.toString());
        }
    }

    @Test
    void aBurstFromOneNetworkIsLimitedWithEverySecondLimitedResponseTruncated() throws Exception {
        int rate = 10;
        try (DnsFixture dns = new DnsFixture(new ClientLimits(128, 32, 10_000, 1232, rate, 2))) {
            dns.put(DnsFixture.endpoint("web", "web-1", "10.0.0.5", 80, "http"));
            Outcome o = burst(dns, "127.0.0.1");
            assertTrue(o.answered() >= 1, o.toString());
            assertTrue(o.answered() <= rate * (Math.ceil(o.seconds()) + 1), o.toString());
            assertTrue(o.truncated() >= 1, o.toString());
            assertTrue(o.answered() + o.truncated() < BURST, "some limited responses dropped: " + o);
            // Another /24 is answered at once; 127.0.0.2 shares the limited one.
            assertNotNull(answer(dns, "127.0.1.1"));
            // TCP is never limited.
            assertTrue(dns.dig("-b", "127.0.0.2", "+tcp", "web.services.haystack", "A").contains("192.0.2.10"));
        }
    }

    @Test
    void withSlipOneEveryLimitedQueryIsTruncatedSoDigGetsTheAnswerOverTcp() throws Exception {
        try (DnsFixture dns = new DnsFixture(new ClientLimits(128, 32, 10_000, 1232, 1, 1))) {
            dns.put(DnsFixture.endpoint("web", "web-1", "10.0.0.5", 80, "http"));
            Outcome o = burst(dns, "127.0.0.1");
            assertEquals(BURST, o.answered() + o.truncated(), o.toString());
            assertTrue(o.truncated() > 0, o.toString());
            String dig = dns.dig("-b", "127.0.0.1", "web.services.haystack", "A");
            assertTrue(dig.contains("192.0.2.10"), dig);
        }
    }

    @Test
    void memoryIsAFixedTableThatFreshNetworksStillGetIntoAfterAFloodOfNetworks() throws Exception {
        ResponseRateLimiter limiter = new ResponseRateLimiter(5, 2);
        long now = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] a = { 10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i };
            limiter.check(InetAddress.getByAddress(a), now);
        }
        now += 2_000_000_000L;
        assertEquals(ResponseRateLimiter.Verdict.ANSWER, limiter.check(InetAddress.getByName("192.0.2.1"), now));
        assertEquals(ResponseRateLimiter.network(InetAddress.getByName("192.0.2.1")),
                ResponseRateLimiter.network(InetAddress.getByName("192.0.2.200")));
        assertTrue(ResponseRateLimiter.network(InetAddress.getByName("2001:db8:0:ff::1"))
                == ResponseRateLimiter.network(InetAddress.getByName("2001:db8:0:ff:1::1")));
        assertTrue(ResponseRateLimiter.network(InetAddress.getByName("2001:db8:0:100::1"))
                != ResponseRateLimiter.network(InetAddress.getByName("2001:db8:0:ff::1")));
        assertEquals(null, ResponseRateLimiter.slip(java.nio.ByteBuffer.wrap(new byte[] { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 70 })));
    }

    /** Sends {@link #BURST} queries from {@code source} as fast as it can, then collects the responses. */
    private static Outcome burst(DnsFixture dns, String source) throws IOException {
        long start = System.nanoTime();
        int answered = 0;
        int truncated = 0;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(source), 0))) {
            socket.setReceiveBufferSize(1 << 20);
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", dns.port());
            for (int id = 0; id < BURST; id++) {
                byte[] q = query(id);
                socket.send(new DatagramPacket(q, q.length, server));
            }
            socket.setSoTimeout(1000);
            for (int i = 0; i < BURST; i++) {
                DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
                try {
                    socket.receive(in);
                } catch (SocketTimeoutException e) {
                    break;
                }
                Message m = new Message(Arrays.copyOf(in.getData(), in.getLength()));
                if (m.getHeader().getFlag(Flags.TC)) {
                    assertTrue(m.getSection(Section.ANSWER).isEmpty());
                    assertEquals(Name.fromString("web.services.haystack."), m.getQuestion().getName());
                    truncated++;
                } else {
                    assertEquals(1, m.getSection(Section.ANSWER).size());
                    answered++;
                }
            }
        }
        return new Outcome(answered, truncated, (System.nanoTime() - start) / 1e9);
    }

    private static Message answer(DnsFixture dns, String source) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(source), 0))) {
            socket.setSoTimeout(2000);
            byte[] q = query(7);
            socket.send(new DatagramPacket(q, q.length, new InetSocketAddress("127.0.0.1", dns.port())));
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            socket.receive(in);
            Message m = new Message(Arrays.copyOf(in.getData(), in.getLength()));
            return m.getHeader().getFlag(Flags.TC) ? null : m;
        }
    }

    private static byte[] query(int id) throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("web.services.haystack."), Type.A, DClass.IN));
        q.getHeader().setID(id);
        return q.toWire();
    }
}
