package haystack.dns.internal.forward;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Whether a datagram or TCP message is the reply to a query Haystack sent (RFC 5452 §4.3:
 * it must come from the address and port asked, carry the query's ID and repeat its
 * question; RFC 1035 §4.1.1: QR set, the query's opcode). The cheap checks on the raw
 * header come first, so a flood of forgeries costs no parsing.
 */
final class ReplyCheck {

    /** Why a reply was not taken; {@link #MATCH} when it was. */
    enum Verdict {
        MATCH, WRONG_SOURCE, MALFORMED, WRONG_ID, NOT_RESPONSE, WRONG_OPCODE, WRONG_QUESTION;

        /** The metric label and log value. */
        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The verdict, and the parsed reply when it matched. */
    record Outcome(Verdict verdict, Message reply) {
    }

    private ReplyCheck() {
    }

    /**
     * Checks {@code wire} (position to limit), received from {@code from} (null over TCP,
     * where the connection is the source), against the query {@code id} and
     * {@code question} sent to {@code upstream}.
     */
    static Outcome check(ByteBuffer wire, InetSocketAddress from, InetSocketAddress upstream, int id, Record question) {
        if (from != null && (from.getPort() != upstream.getPort() || !from.getAddress().equals(upstream.getAddress()))) {
            return new Outcome(Verdict.WRONG_SOURCE, null);
        }
        int p = wire.position();
        if (wire.remaining() < Header.LENGTH) {
            return new Outcome(Verdict.MALFORMED, null);
        }
        if (((wire.get(p) & 0xFF) << 8 | (wire.get(p + 1) & 0xFF)) != id) {
            return new Outcome(Verdict.WRONG_ID, null);
        }
        int flags = wire.get(p + 2) & 0xFF;
        if ((flags & 0x80) == 0) {
            return new Outcome(Verdict.NOT_RESPONSE, null);
        }
        if (((flags >>> 3) & 0x0F) != Opcode.QUERY) {
            return new Outcome(Verdict.WRONG_OPCODE, null);
        }
        if (((wire.get(p + 4) & 0xFF) << 8 | (wire.get(p + 5) & 0xFF)) != 1) {
            return new Outcome(Verdict.WRONG_QUESTION, null);
        }
        Message reply;
        try {
            reply = new Message(wire.duplicate());
        } catch (java.io.IOException | RuntimeException e) {
            return new Outcome(Verdict.MALFORMED, null);
        }
        Record asked = reply.getQuestion();
        // Name.equals ignores case (RFC 4343): a 0x20-mixed question may come back in another case.
        if (asked == null || asked.getType() != question.getType() || asked.getDClass() != question.getDClass()
                || !asked.getName().equals(question.getName()) || reply.getSection(Section.QUESTION).size() != 1) {
            return new Outcome(Verdict.WRONG_QUESTION, null);
        }
        return new Outcome(Verdict.MATCH, reply);
    }
}
