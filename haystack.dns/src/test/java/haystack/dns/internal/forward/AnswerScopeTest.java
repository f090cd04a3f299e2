package haystack.dns.internal.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** An upstream's reply cut down to the answer to the question (RFC 5452 §6). */
class AnswerScopeTest {

    private static final Predicate<Name> HAYSTACK = n -> n.subdomain(name("haystack."));

    private static Name name(String s) {
        try {
            return Name.fromString(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Record rr(String text) throws IOException {
        String[] w = text.trim().split("\\s+", 4);
        return Record.fromString(name(w[0]), Type.value(w[2]), DClass.IN, Long.parseLong(w[1]), w[3], Name.root);
    }

    private static Message reply(Record question, int rcode, String[] answer, String[] authority, String[] additional)
            throws IOException {
        Message m = new Message(7);
        m.getHeader().setRcode(rcode);
        m.addRecord(question, Section.QUESTION);
        for (String s : answer) {
            m.addRecord(rr(s), Section.ANSWER);
        }
        for (String s : authority) {
            m.addRecord(rr(s), Section.AUTHORITY);
        }
        for (String s : additional) {
            m.addRecord(rr(s), Section.ADDITIONAL);
        }
        return m;
    }

    private static List<String> section(Message m, int section) {
        List<String> out = new ArrayList<>();
        for (Record r : m.getSection(section)) {
            out.add(r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString());
        }
        return out;
    }

    private static Record q(String name, int type) {
        return Record.newRecord(name(name), type, DClass.IN);
    }

    @Test
    void theCnameChainAndTheAskedTypeAtItsEndAreKept() throws IOException {
        Message m = reply(q("www.example.com.", Type.A), Rcode.NOERROR, new String[] {
            "www.example.com. 60 CNAME edge.cdn.example.net.",
            "edge.cdn.example.net. 60 CNAME e1.cdn.example.net.",
            "e1.cdn.example.net. 20 A 192.0.2.1",
            "e1.cdn.example.net. 20 AAAA 2001:db8::1",
            "other.example.com. 60 A 6.6.6.6" }, new String[0], new String[0]);
        AnswerScope.Scoped s = AnswerScope.scope(m, q("WWW.example.com.", Type.A), HAYSTACK);
        assertEquals(List.of("www.example.com. CNAME edge.cdn.example.net.", "edge.cdn.example.net. CNAME e1.cdn.example.net.",
                "e1.cdn.example.net. A 192.0.2.1"), section(s.message(), Section.ANSWER));
        assertEquals(2, s.outsideDropped());
        assertEquals(0, s.ownedDropped());
    }

    @Test
    void aChainEntersHaystacksZoneAndEndsThere() throws IOException {
        Message m = reply(q("x.example.com.", Type.A), Rcode.NOERROR, new String[] {
            "x.example.com. 60 CNAME nginx.services.haystack.",
            "nginx.services.haystack. 60 CNAME y.example.com.",
            "nginx.services.haystack. 60 A 6.6.6.6",
            "y.example.com. 60 A 6.6.6.6" }, new String[] { "haystack. 60 SOA ns.evil. h. 1 2 3 4 5" }, new String[0]);
        AnswerScope.Scoped s = AnswerScope.scope(m, q("x.example.com.", Type.A), HAYSTACK);
        assertEquals(List.of("x.example.com. CNAME nginx.services.haystack."), section(s.message(), Section.ANSWER));
        assertEquals(List.of(), section(s.message(), Section.AUTHORITY));
        assertEquals(3, s.ownedDropped());
    }

    @Test
    void aCnameLoopEnds() throws IOException {
        Message m = reply(q("a.example.com.", Type.A), Rcode.NOERROR, new String[] {
            "a.example.com. 60 CNAME b.example.com.", "b.example.com. 60 CNAME a.example.com." }, new String[0], new String[0]);
        assertEquals(2, AnswerScope.scope(m, q("a.example.com.", Type.A), HAYSTACK).message().getSection(Section.ANSWER).size());
    }

    @Test
    void aNegativeAnswerKeepsTheSoaOfAZoneAboveTheName() throws IOException {
        Message m = reply(q("nope.example.com.", Type.A), Rcode.NXDOMAIN, new String[0], new String[] {
            "example.com. 300 SOA ns.example.com. h.example.com. 1 2 3 4 60",
            "example.org. 300 SOA ns.example.org. h.example.org. 1 2 3 4 60",
            "a.example.com. 300 NSEC zzz.example.com. A" }, new String[0]);
        AnswerScope.Scoped s = AnswerScope.scope(m, q("nope.example.com.", Type.A), HAYSTACK);
        assertEquals(Rcode.NXDOMAIN, s.message().getRcode());
        assertEquals(List.of("example.com. SOA ns.example.com. h.example.com. 1 2 3 4 60",
                "a.example.com. NSEC zzz.example.com. A"), section(s.message(), Section.AUTHORITY));
    }

    @Test
    void additionalAddressesOnlyForTargetsOfKeptRecords() throws IOException {
        Message m = reply(q("_sip._tcp.example.com.", Type.SRV), Rcode.NOERROR, new String[] {
            "_sip._tcp.example.com. 60 SRV 0 0 5060 sip.example.com." }, new String[] {
            "example.com. 60 NS ns1.example.com.", "com. 60 NS a.gtld.test.", "evil.test. 60 NS ns.evil.test." }, new String[] {
            "sip.example.com. 60 A 192.0.2.5",
            "ns1.example.com. 60 A 192.0.2.53",
            "a.gtld.test. 60 A 192.0.2.54",
            "ns.evil.test. 60 A 6.6.6.6",
            "nginx.services.haystack. 60 A 6.6.6.6",
            "sip.example.com. 60 TXT \"not an address\"" });
        AnswerScope.Scoped s = AnswerScope.scope(m, q("_sip._tcp.example.com.", Type.SRV), HAYSTACK);
        assertEquals(List.of("example.com. NS ns1.example.com.", "com. NS a.gtld.test."), section(s.message(), Section.AUTHORITY));
        assertEquals(List.of("sip.example.com. A 192.0.2.5", "ns1.example.com. A 192.0.2.53", "a.gtld.test. A 192.0.2.54"),
                section(s.message(), Section.ADDITIONAL));
        assertEquals(1, s.ownedDropped());
        assertEquals(3, s.outsideDropped());
    }

    @Test
    void anyKeepsEveryTypeAtTheNameAndCnameQuestionsDoNotFollowTheChain() throws IOException {
        Message any = reply(q("h.example.com.", Type.ANY), Rcode.NOERROR, new String[] {
            "h.example.com. 60 A 192.0.2.1", "h.example.com. 60 TXT \"t\"", "i.example.com. 60 A 6.6.6.6" },
            new String[0], new String[0]);
        assertEquals(2, AnswerScope.scope(any, q("h.example.com.", Type.ANY), HAYSTACK).message().getSection(Section.ANSWER).size());
        Message cname = reply(q("c.example.com.", Type.CNAME), Rcode.NOERROR, new String[] {
            "c.example.com. 60 CNAME d.example.com.", "d.example.com. 60 A 6.6.6.6" }, new String[0], new String[0]);
        assertEquals(List.of("c.example.com. CNAME d.example.com."),
                section(AnswerScope.scope(cname, q("c.example.com.", Type.CNAME), HAYSTACK).message(), Section.ANSWER));
    }

    @Test
    void signaturesStayWithTheRecordsTheyCoverAndOtherClassesGo() throws IOException {
        Message m = reply(q("s.example.com.", Type.A), Rcode.NOERROR, new String[] {
            "s.example.com. 60 A 192.0.2.1",
            "s.example.com. 60 RRSIG A 13 3 60 20300101000000 20200101000000 1 example.com. AAAA",
            "s.example.com. 60 RRSIG TXT 13 3 60 20300101000000 20200101000000 1 example.com. AAAA" },
            new String[0], new String[0]);
        m.addRecord(Record.fromString(name("s.example.com."), Type.A, DClass.CH, 60, "192.0.2.9", Name.root), Section.ANSWER);
        AnswerScope.Scoped s = AnswerScope.scope(m, q("s.example.com.", Type.A), HAYSTACK);
        assertEquals(2, s.message().getSection(Section.ANSWER).size());
        assertEquals(Type.RRSIG, s.message().getSection(Section.ANSWER).get(1).getType());
        assertEquals(2, s.outsideDropped());
    }
}
