package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import haystack.api.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The protocol rules of SPEC §4: sizes, truncation, opcodes, malformed messages. */
class ProtocolTest {

    private static final int ENDPOINTS = 100;
    private DnsFixture dns;

    @BeforeEach
    void start() throws IOException {
        dns = new DnsFixture();
        List<Endpoint> many = new ArrayList<>();
        for (int i = 1; i <= ENDPOINTS; i++) {
            many.add(DnsFixture.endpoint("big", "big-" + i, "10.1.0." + i, 6000 + i, "x11"));
        }
        dns.source.put(many);
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private static Message query(String name, int type, OPTRecord opt) throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        if (opt != null) {
            q.addRecord(opt, Section.ADDITIONAL);
        }
        return q;
    }

    @Test
    void withoutEdnsAnswersFitIn512BytesWithTcSet() throws IOException {
        byte[] raw = dns.rawUdp(query("big.services.haystack.", Type.A, null).toWire());
        assertTrue(raw.length <= 512, "length " + raw.length);
        Message m = new Message(raw);
        assertTrue(m.getHeader().getFlag(Flags.TC));
        assertTrue(m.getSection(Section.ANSWER).size() < ENDPOINTS);
    }

    @Test
    void ednsSizeOfTheClientIsHonouredUpTo1232() throws IOException {
        byte[] raw = dns.rawUdp(query("big.services.haystack.", Type.A, new OPTRecord(4096, 0, 0)).toWire());
        Message m = new Message(raw);
        assertTrue(raw.length <= 1232, "length " + raw.length);
        assertTrue(m.getHeader().getFlag(Flags.TC));
        assertNotNull(m.getOPT());
        byte[] mid = dns.rawUdp(query("big.services.haystack.", Type.A, new OPTRecord(700, 0, 0)).toWire());
        assertTrue(mid.length <= 700, "length " + mid.length);
        byte[] small = dns.rawUdp(query("_x11._tcp.big.services.haystack.", Type.SRV, new OPTRecord(1232, 0, 0)).toWire());
        assertTrue(small.length <= 1232);
        assertTrue(new Message(small).getHeader().getFlag(Flags.TC));
    }

    @Test
    void truncatedAnswerComesWholeOverTcp() throws IOException {
        Message udp = dns.udp().send(query("_x11._tcp.big.services.haystack.", Type.SRV, null));
        assertTrue(udp.getHeader().getFlag(Flags.TC));
        Message tcp = dns.tcp().send(query("_x11._tcp.big.services.haystack.", Type.SRV, null));
        assertFalse(tcp.getHeader().getFlag(Flags.TC));
        assertEquals(ENDPOINTS, tcp.getSection(Section.ANSWER).size());
        assertEquals(ENDPOINTS, tcp.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.A).count());
    }

    @Test
    void udpAnswersAreCappedAt1232BytesWithTcAndComeWholeOverTcp() throws Exception {
        List<Endpoint> many = new ArrayList<>();
        for (int i = 1; i <= 24; i++) {
            many.add(DnsFixture.endpoint("checkout", String.format("checkout-payments-worker-%02d", i), "10.2.0." + i, 8080, "http"));
        }
        dns.source.put(many);
        String udp = dns.dig("+bufsize=4096", "+ignore", "_http._tcp.checkout.services.haystack", "SRV");
        assertTrue(udp.contains("flags: qr aa tc"), udp);
        assertTrue(messageSize(udp) <= 1232, udp);
        String tcp = dns.dig("+tcp", "_http._tcp.checkout.services.haystack", "SRV");
        assertTrue(tcp.contains("ANSWER: 24,"), tcp);
        assertTrue(messageSize(tcp) > 1232, tcp);
    }

    @Test
    void udpLimitCanBeSetLower() throws Exception {
        try (DnsFixture small = new DnsFixture(new ClientLimits(128, 32, 10_000, 600, 0, 2))) {
            List<Endpoint> many = new ArrayList<>();
            for (int i = 1; i <= 24; i++) {
                many.add(DnsFixture.endpoint("big", "big-" + i, "10.1.0." + i, 6000 + i, "x11"));
            }
            small.source.put(many);
            String udp = small.dig("+bufsize=4096", "+ignore", "_x11._tcp.big.services.haystack", "SRV");
            assertTrue(udp.contains(" tc"), udp);
            assertTrue(messageSize(udp) <= 600, udp);
        }
    }

    /** The size dig prints: {@code ;; MSG SIZE  rcvd: 1224}. */
    private static int messageSize(String dig) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("MSG SIZE\\s+rcvd: (\\d+)").matcher(dig);
        assertTrue(m.find(), dig);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void doBitIsCopied() throws Exception {
        Message q = query("big.services.haystack.", Type.A, new OPTRecord(1232, 0, 0, org.xbill.DNS.ExtendedFlags.DO));
        Message m = new Message(dns.rawUdp(q.toWire()));
        assertEquals(org.xbill.DNS.ExtendedFlags.DO, m.getOPT().getFlags() & org.xbill.DNS.ExtendedFlags.DO);
        Message plain = new Message(dns.rawUdp(query("big.services.haystack.", Type.A, new OPTRecord(1232, 0, 0)).toWire()));
        assertEquals(0, plain.getOPT().getFlags());
        assertTrue(dns.dig("+dnssec", "big-1.containers.haystack", "A").contains("flags: do;"));
    }

    @Test
    void everyOpcodeButQueryGetsNotimpWithNoFlagOfQuery() throws IOException {
        for (int opcode = 1; opcode <= 15; opcode++) {
            Message q = query("haystack.", Type.SOA, null);
            q.getHeader().setOpcode(opcode);
            for (int flag : new int[] { Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.AD, Flags.CD }) {
                q.getHeader().setFlag(flag);
            }
            byte[] raw = q.toWire();
            raw[3] |= 0x40; // Z
            byte[] answer = dns.rawUdp(raw);
            Message m = new Message(answer);
            assertEquals(Rcode.NOTIMP, m.getRcode(), "opcode " + opcode);
            assertEquals(opcode, m.getHeader().getOpcode());
            assertEquals(0x80 | opcode << 3, answer[2] & 0xff, "opcode " + opcode + ": only QR and the opcode");
            assertEquals(Rcode.NOTIMP, answer[3] & 0xff, "opcode " + opcode + ": no RA, Z, AD, CD");
        }
    }

    @Test
    void nodataForAContainersReverseNameCitesTheSoaOfThatName() throws Exception {
        Message m = dns.query("1.0.1.10.in-addr.arpa.", Type.AAAA);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(m.getHeader().getFlag(Flags.AA));
        assertTrue(m.getSection(Section.ANSWER).isEmpty());
        List<Record> authority = m.getSection(Section.AUTHORITY);
        assertEquals(1, authority.size());
        assertEquals(Type.SOA, authority.get(0).getType());
        assertEquals(Name.fromString("1.0.1.10.in-addr.arpa."), authority.get(0).getName());
        Message soa = dns.query("1.0.1.10.in-addr.arpa.", Type.SOA);
        assertTrue(soa.getHeader().getFlag(Flags.AA));
        assertEquals(Type.SOA, soa.getSection(Section.ANSWER).get(0).getType());
        Message ns = dns.query("1.0.1.10.in-addr.arpa.", Type.NS);
        assertEquals(Type.NS, ns.getSection(Section.ANSWER).get(0).getType());
        Message ptr = dns.query("1.0.1.10.in-addr.arpa.", Type.PTR);
        assertEquals(Type.PTR, ptr.getSection(Section.ANSWER).get(0).getType());
        assertTrue(ptr.getSection(Section.AUTHORITY).isEmpty());
    }

    @Test
    void unknownOpcodeIsNotImplemented() throws IOException {
        for (int opcode : new int[] { Opcode.NOTIFY, Opcode.UPDATE, Opcode.STATUS, 7, 15 }) {
            Message q = query("haystack.", Type.SOA, null);
            q.getHeader().setOpcode(opcode);
            Message m = new Message(dns.rawUdp(q.toWire()));
            assertEquals(Rcode.NOTIMP, m.getRcode(), "opcode " + opcode);
            assertEquals(opcode, m.getHeader().getOpcode());
        }
    }

    @Test
    void unknownEdnsVersionIsBadvers() throws IOException {
        Message m = new Message(dns.rawUdp(query("haystack.", Type.SOA, new OPTRecord(1232, 0, 1)).toWire()));
        assertEquals(Rcode.BADVERS, m.getRcode());
    }

    @Test
    void malformedMessagesGetFormerr() throws IOException {
        byte[] good = query("haystack.", Type.SOA, null).toWire();
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
        Message m = new Message(dns.rawUdp(cut));
        assertEquals(Rcode.FORMERR, m.getRcode());
        assertEquals(new Message(good).getHeader().getID(), m.getHeader().getID());
        byte[] twoQuestions = good.clone();
        twoQuestions[5] = 2;
        assertEquals(Rcode.FORMERR, new Message(dns.rawUdp(twoQuestions)).getRcode());
        byte[] noQuestion = java.util.Arrays.copyOf(good, 12);
        noQuestion[5] = 0;
        assertEquals(Rcode.FORMERR, new Message(dns.rawUdp(noQuestion)).getRcode());
    }

    @Test
    void shortPacketsAndResponsesAreDropped() throws IOException {
        assertNull(dns.rawUdp(new byte[] { 1, 2, 3 }));
        Message response = query("haystack.", Type.SOA, null);
        response.getHeader().setFlag(Flags.QR);
        assertNull(dns.rawUdp(response.toWire()));
        assertEquals(Rcode.NOERROR, dns.query("haystack.", Type.SOA).getRcode());
    }

    @Test
    void tcpCarriesSeveralQueriesPerConnection() throws IOException {
        byte[] q = query("big.services.haystack.", Type.A, null).toWire();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", dns.port())) {
            socket.setSoTimeout(3000);
            var out = new java.io.DataOutputStream(socket.getOutputStream());
            var in = new java.io.DataInputStream(socket.getInputStream());
            for (int i = 0; i < 3; i++) {
                out.writeShort(q.length);
                out.write(q);
                out.flush();
                byte[] a = new byte[in.readUnsignedShort()];
                in.readFully(a);
                assertEquals(ENDPOINTS, new Message(a).getSection(Section.ANSWER).size());
                assertArrayEquals(java.util.Arrays.copyOf(q, 2), java.util.Arrays.copyOf(a, 2));
            }
        }
    }
}
