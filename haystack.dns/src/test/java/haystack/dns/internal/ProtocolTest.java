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
    void ednsSizeOfTheClientIsHonoured() throws IOException {
        byte[] raw = dns.rawUdp(query("big.services.haystack.", Type.A, new OPTRecord(4096, 0, 0)).toWire());
        Message m = new Message(raw);
        assertFalse(m.getHeader().getFlag(Flags.TC));
        assertEquals(ENDPOINTS, m.getSection(Section.ANSWER).size());
        assertNotNull(m.getOPT());
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
