package haystack.dns.internal.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** A reply is the reply to a query only if everything matches (RFC 5452 §4.3). */
class ReplyCheckTest {

    private static final InetSocketAddress UPSTREAM = new InetSocketAddress("127.0.0.1", 5353);
    private static final int ID = 0x1234;

    private static Record question(String name, int type) throws Exception {
        return Record.newRecord(Name.fromString(name), type, DClass.IN);
    }

    private static Message reply(Record question) {
        Message m = new Message(ID);
        m.getHeader().setFlag(Flags.QR);
        m.addRecord(question, Section.QUESTION);
        return m;
    }

    private static ReplyCheck.Verdict check(Message m, InetSocketAddress from) throws Exception {
        return check(m.toWire(), from);
    }

    private static ReplyCheck.Verdict check(byte[] wire, InetSocketAddress from) throws Exception {
        return ReplyCheck.check(ByteBuffer.wrap(wire), from, UPSTREAM, ID, question("www.example.com.", Type.A)).verdict();
    }

    @Test
    void theMatchingReplyIsTakenWhateverTheCaseOfItsName() throws Exception {
        assertEquals(ReplyCheck.Verdict.MATCH, check(reply(question("WWW.Example.COM.", Type.A)), UPSTREAM));
        assertEquals(ReplyCheck.Verdict.MATCH, check(reply(question("www.example.com.", Type.A)), null));
    }

    @Test
    void everyMismatchIsNamed() throws Exception {
        Record q = question("www.example.com.", Type.A);
        assertEquals(ReplyCheck.Verdict.WRONG_SOURCE, check(reply(q), new InetSocketAddress("127.0.0.1", 5354)));
        assertEquals(ReplyCheck.Verdict.WRONG_SOURCE, check(reply(q), new InetSocketAddress("127.0.0.2", 5353)));
        Message wrongId = reply(q);
        wrongId.getHeader().setID(ID + 1);
        assertEquals(ReplyCheck.Verdict.WRONG_ID, check(wrongId, UPSTREAM));
        Message query = reply(q);
        query.getHeader().unsetFlag(Flags.QR);
        assertEquals(ReplyCheck.Verdict.NOT_RESPONSE, check(query, UPSTREAM));
        Message notify = reply(q);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        assertEquals(ReplyCheck.Verdict.WRONG_OPCODE, check(notify, UPSTREAM));
        assertEquals(ReplyCheck.Verdict.WRONG_QUESTION, check(reply(question("www.example.org.", Type.A)), UPSTREAM));
        assertEquals(ReplyCheck.Verdict.WRONG_QUESTION, check(reply(question("www.example.com.", Type.AAAA)), UPSTREAM));
        Message chaos = reply(Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.CH));
        assertEquals(ReplyCheck.Verdict.WRONG_QUESTION, check(chaos, UPSTREAM));
        Message none = new Message(ID);
        none.getHeader().setFlag(Flags.QR);
        assertEquals(ReplyCheck.Verdict.WRONG_QUESTION, check(none, UPSTREAM));
        Message two = reply(q);
        two.addRecord(question("www.example.org.", Type.A), Section.QUESTION);
        assertEquals(ReplyCheck.Verdict.WRONG_QUESTION, check(two, UPSTREAM));
        byte[] wire = reply(q).toWire();
        assertEquals(ReplyCheck.Verdict.MALFORMED, check(java.util.Arrays.copyOf(wire, 11), UPSTREAM));
        assertEquals(ReplyCheck.Verdict.MALFORMED, check(java.util.Arrays.copyOf(wire, wire.length - 2), UPSTREAM));
    }
}
