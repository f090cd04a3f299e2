package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Thousands of random and mutated packets over UDP and TCP (a fixed seed, so a failure
 * repeats); afterwards the server still answers correctly on both transports.
 */
class FuzzTest {

    private static final int PACKETS = 4000;

    @Test
    void randomAndMutatedPacketsNeverBreakTheServer() throws IOException {
        Random random = new Random(20261122L);
        try (DnsFixture dns = new DnsFixture(); DatagramSocket socket = new DatagramSocket()) {
            dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis"));
            List<byte[]> seeds = List.of(
                    query("redis.services.haystack.", Type.A, false),
                    query("_redis._tcp.redis.services.haystack.", Type.SRV, true),
                    query("4.0.17.172.in-addr.arpa.", Type.PTR, true),
                    query("haystack.", Type.ANY, false));
            InetAddress server = InetAddress.getByName("127.0.0.1");
            for (int i = 0; i < PACKETS; i++) {
                byte[] packet = i % 4 == 0 ? randomBytes(random) : mutate(seeds.get(random.nextInt(seeds.size())), random);
                socket.send(new DatagramPacket(packet, packet.length, server, dns.port()));
                if (i % 200 == 0 && packet.length >= 12) {
                    tcpFuzz(dns, packet);
                }
            }
            Message answer = dns.query("redis.services.haystack.", Type.A);
            assertEquals(Rcode.NOERROR, answer.getRcode());
            assertEquals("172.17.0.4", answer.getSection(Section.ANSWER).get(0).rdataToString());
            Message tcp = dns.tcp().send(Message.newQuery(Record.newRecord(Name.fromString("redis.services.haystack."),
                    Type.A, DClass.IN)));
            assertEquals("172.17.0.4", tcp.getSection(Section.ANSWER).get(0).rdataToString());
        }
    }

    /** Over TCP every message with a header and QR clear gets an answer: FORMERR at worst. */
    private static void tcpFuzz(DnsFixture dns, byte[] packet) throws IOException {
        byte[] q = packet.clone();
        q[2] &= 0x7f;
        byte[] answer = dns.rawTcp(q);
        assertTrue(answer.length >= 12);
        assertEquals(q[0], answer[0]);
        assertEquals(q[1], answer[1]);
    }

    private static byte[] query(String name, int type, boolean edns) throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        if (edns) {
            q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        }
        return q.toWire();
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(600)];
        random.nextBytes(b);
        if (b.length > 2 && random.nextBoolean()) {
            b[2] &= 0x7f;
        }
        return b;
    }

    /** Flips, overwrites, truncates or extends a valid query; header counts and label lengths included. */
    private static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            switch (random.nextInt(5)) {
                case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                case 2 -> b = java.util.Arrays.copyOf(b, Math.max(1, random.nextInt(b.length)));
                case 3 -> b = java.util.Arrays.copyOf(b, b.length + random.nextInt(64));
                default -> b[4 + random.nextInt(Math.min(8, Math.max(1, b.length - 4)))] = (byte) random.nextInt(256);
            }
            if (b.length < 12) {
                break;
            }
        }
        if (b.length > 2) {
            b[2] &= 0x7f;
        }
        return b;
    }
}
