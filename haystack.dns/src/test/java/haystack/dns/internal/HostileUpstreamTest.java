package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import haystack.api.metrics.MetricsWriter;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * SPEC §4 "Hostile clients and upstreams", the forwarder: a fake upstream on loopback
 * forges replies, a real client (dig, dnsjava) asks Haystack. Only a reply that matches
 * the query is used; the forwarder keeps waiting after a forgery, re-sends, moves on to
 * the next upstream, retries TC over TCP, and never relays or caches records outside the
 * answer to the question.
 */
class HostileUpstreamTest {

    private static final String FORGED = "6.6.6.6";

    /** Haystack forwarding to {@code upstreams} with the fixture's forward timeout, 1.5 s: attempts at 0, 0.5 and 1 s. */
    private static DnsFixture haystack(FakeUpstream... upstreams) throws Exception {
        return new DnsFixture(upstreams(upstreams), List.of("127.0.0.0/8"), 5);
    }

    /** Haystack forwarding with a forward timeout of {@code millis}. */
    private static DnsFixture haystack(long millis, FakeUpstream... upstreams) throws Exception {
        DnsSettings s = DnsFixture.settings("haystack", upstreams(upstreams), List.of("127.0.0.0/8"), 5);
        return new DnsFixture(new DnsSettings(s.port(), s.bind(), s.origin(), s.ttl(), s.nameservers(), s.allow(),
                s.addresses(), s.workers(), millis));
    }

    private static List<String> upstreams(FakeUpstream... upstreams) {
        List<String> addresses = new ArrayList<>();
        for (FakeUpstream u : upstreams) {
            addresses.add(u.address());
        }
        return addresses;
    }

    /** A copy of {@code m} with another id. */
    private static Message withId(Message m, int id) {
        Message copy = m.clone();
        copy.getHeader().setID(id);
        return copy;
    }

    private static List<String> addresses(Message m) {
        List<String> out = new ArrayList<>();
        for (int section : new int[] { Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL }) {
            for (Record r : m.getSection(section)) {
                if (r.getType() != Type.OPT) {
                    out.add(r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString());
                }
            }
        }
        return out;
    }

    private static List<String> metrics(DnsServer server) {
        List<String> lines = new ArrayList<>();
        server.collect(new MetricsWriter() {
            @Override
            public void family(String name, Type type, String help) {
            }

            @Override
            public void sample(String name, double value, String... labels) {
                lines.add(name + "{" + String.join(",", labels) + "} " + (long) value);
            }
        });
        return lines;
    }

    private static void assertCounted(DnsServer server, String metric) {
        List<String> lines = metrics(server);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(metric) && !l.endsWith(" 0")), () -> metric + " in " + lines);
    }

    /** dig's answer lines without the ";; communications error" lines dig 9.18 prints on stdout. */
    private static String digShort(DnsFixture dns, String name) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String line : dns.dig("+short", name, "A").split("\n")) {
            if (!line.startsWith(";;") && !line.isBlank()) {
                out.append(line.trim()).append('\n');
            }
        }
        return out.toString();
    }

    @Test
    void aReplyWithAWrongIdIsDiscardedAndTheRealOneUsed() throws Exception {
        try (FakeUpstream up = new FakeUpstream(q -> {
            q.reply(withId(q.answer(FORGED), q.message.getHeader().getID() ^ 0x5a5a));
            q.replyLater(300, q.answer("10.0.0.1"));
        }); DnsFixture dns = haystack(up)) {
            assertEquals("10.0.0.1\n", digShort(dns, "www.example.test"));
            assertCounted(dns.server, "haystack_dns_forward_discarded_total{reason,wrong_id}");
        }
    }

    @Test
    void aFloodOfForgeriesDoesNotHideTheRealAnswer() throws Exception {
        try (FakeUpstream up = new FakeUpstream(q -> {
            int id = q.message.getHeader().getID();
            for (int i = 1; i <= 100; i++) {
                q.reply(withId(q.answer(FORGED), (id + i) & 0xFFFF));
            }
            q.replyLater(200, q.answer("10.0.0.1"));
        }); DnsFixture dns = haystack(up)) {
            assertEquals(List.of("www.example.test. A 10.0.0.1"), addresses(dns.query("www.example.test.", Type.A)));
            assertCounted(dns.server, "haystack_dns_forward_discarded_total{reason,wrong_id}");
        }
    }

    @Test
    void aReplyToAnotherQuestionIsDiscardedAndTheRealOneUsed() throws Exception {
        try (FakeUpstream up = new FakeUpstream(q -> {
            Message otherName = q.answer();
            otherName.removeAllRecords(Section.QUESTION);
            otherName.addRecord(Record.newRecord(Name.fromString("other.example.test."), Type.A, 1), Section.QUESTION);
            otherName.addRecord(FakeUpstream.record("other.example.test. 60 A " + FORGED), Section.ANSWER);
            q.reply(otherName);
            Message otherType = q.answer();
            otherType.removeAllRecords(Section.QUESTION);
            otherType.addRecord(Record.newRecord(q.message.getQuestion().getName(), Type.AAAA, 1), Section.QUESTION);
            q.reply(otherType);
            q.replyLater(300, q.answer("10.0.0.1"));
        }); DnsFixture dns = haystack(up)) {
            Message m = dns.query("www.example.test.", Type.A);
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertEquals(List.of("www.example.test. A 10.0.0.1"), addresses(m));
            assertCounted(dns.server, "haystack_dns_forward_discarded_total{reason,wrong_question}");
        }
    }

    @Test
    void theQuestionNameMatchesCaseInsensitively() throws Exception {
        try (FakeUpstream up = new FakeUpstream(q -> {
            Message a = q.answer();
            Name upper = Name.fromString(q.message.getQuestion().getName().toString().toUpperCase());
            a.removeAllRecords(Section.QUESTION);
            a.addRecord(Record.newRecord(upper, Type.A, 1), Section.QUESTION);
            a.addRecord(FakeUpstream.record(upper + " 60 A 10.0.0.2"), Section.ANSWER);
            q.reply(a);
        }); DnsFixture dns = haystack(up)) {
            Message m = dns.query("MiXeD.example.test.", Type.A);
            assertEquals(List.of("mixed.example.test. a 10.0.0.2"), addresses(m).stream().map(String::toLowerCase).toList());
            assertEquals(1, up.udpQueries());
        }
    }

    @Test
    void aMessageWithoutQrIsNotAnAnswer() throws Exception {
        try (FakeUpstream up = new FakeUpstream(q -> {
            Message query = q.answer(FORGED);
            query.getHeader().unsetFlag(Flags.QR);
            q.reply(query);
            q.replyLater(300, q.answer("10.0.0.1"));
        }); DnsFixture dns = haystack(up)) {
            assertEquals(List.of("www.example.test. A 10.0.0.1"), addresses(dns.query("www.example.test.", Type.A)));
            assertCounted(dns.server, "haystack_dns_forward_discarded_total{reason,not_response}");
        }
    }

    @Test
    void aReplyFromAnotherPortIsDiscarded() throws Exception {
        try (FakeUpstream up = new FakeUpstream(q -> {
            q.replyFromAnotherPort(q.answer(FORGED));
            q.replyLater(300, q.answer("10.0.0.1"));
        }); DnsFixture dns = haystack(up)) {
            assertEquals("10.0.0.1\n", digShort(dns, "www.example.test"));
            assertCounted(dns.server, "haystack_dns_forward_discarded_total{reason,wrong_source}");
        }
    }

    @Test
    void garbageIsDiscardedAndTheRealAnswerUsed() throws Exception {
        try (FakeUpstream up = new FakeUpstream(q -> {
            byte[] real = q.answer("10.0.0.1").toWire();
            q.replyRaw(java.util.Arrays.copyOf(real, 7));
            q.replyRaw(java.util.Arrays.copyOf(real, real.length - 3));
            q.replyLater(300, q.answer("10.0.0.1"));
        }); DnsFixture dns = haystack(up)) {
            assertEquals(List.of("www.example.test. A 10.0.0.1"), addresses(dns.query("www.example.test.", Type.A)));
            assertCounted(dns.server, "haystack_dns_forward_discarded_total{reason,malformed}");
        }
    }

    @Test
    void recordsOutsideTheAnswerAreNeitherRelayedNorCached() throws Exception {
        try (FakeUpstream up = new FakeUpstream(q -> {
            Message a = q.answer("10.0.0.1");
            a.addRecord(FakeUpstream.record("nginx.services.haystack. 3600 A " + FORGED), Section.ANSWER);
            a.addRecord(FakeUpstream.record("example.org. 3600 NS ns.evil.org."), Section.AUTHORITY);
            a.addRecord(FakeUpstream.record("services.haystack. 3600 NS ns.evil.org."), Section.AUTHORITY);
            a.addRecord(FakeUpstream.record("nginx.services.haystack. 3600 A " + FORGED), Section.ADDITIONAL);
            a.addRecord(FakeUpstream.record("evil.example.org. 3600 A " + FORGED), Section.ADDITIONAL);
            a.addRecord(FakeUpstream.record("ns.evil.org. 3600 A " + FORGED), Section.ADDITIONAL);
            q.reply(a);
        }); DnsFixture dns = haystack(up)) {
            dns.put(DnsFixture.endpoint("nginx", "nginx-1", "172.17.0.9", 80, "http"));
            List<String> expected = List.of("www.example.test. A 10.0.0.1");
            assertEquals(expected, addresses(dns.query("www.example.test.", Type.A)));
            assertEquals(expected, addresses(dns.query("www.example.test.", Type.A)), "the cached answer");
            assertEquals(1, up.udpQueries(), "the second answer came from the cache");
            assertEquals(List.of("nginx.services.haystack. A " + DnsFixture.ADVERTISED),
                    addresses(dns.query("nginx.services.haystack.", Type.A)));
            assertFalse(dns.dig("www.example.test", "A").contains(FORGED));
            assertCounted(dns.server, "haystack_dns_forward_records_dropped_total{reason,owned}");
            assertCounted(dns.server, "haystack_dns_forward_records_dropped_total{reason,outside_answer}");
        }
    }

    @Test
    void aCnameChainIsKeptUpToHaystacksOwnZone() throws Exception {
        try (FakeUpstream up = new FakeUpstream(q -> {
            Message a = q.answer();
            String name = q.message.getQuestion().getName().toString();
            if (name.startsWith("alias.")) {
                a.addRecord(FakeUpstream.record("alias.example.test. 60 CNAME www.example.test."), Section.ANSWER);
                a.addRecord(FakeUpstream.record("www.example.test. 60 A 10.0.0.1"), Section.ANSWER);
                a.addRecord(FakeUpstream.record("unrelated.example.test. 60 A " + FORGED), Section.ANSWER);
            } else {
                a.addRecord(FakeUpstream.record("into.example.test. 60 CNAME nginx.services.haystack."), Section.ANSWER);
                a.addRecord(FakeUpstream.record("nginx.services.haystack. 60 A " + FORGED), Section.ANSWER);
            }
            q.reply(a);
        }); DnsFixture dns = haystack(up)) {
            assertEquals(List.of("alias.example.test. CNAME www.example.test.", "www.example.test. A 10.0.0.1"),
                    addresses(dns.query("alias.example.test.", Type.A)));
            assertEquals(List.of("into.example.test. CNAME nginx.services.haystack."),
                    addresses(dns.query("into.example.test.", Type.A)));
        }
    }

    @Test
    void aTruncatedReplyIsRetriedOverTcp() throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 1; i <= 80; i++) {
            many.add("10.0.1." + i);
        }
        try (FakeUpstream up = new FakeUpstream(q -> {
            Message tc = q.answer();
            tc.getHeader().setFlag(Flags.TC);
            q.reply(tc);
        }, q -> {
            q.reply(withId(q.answer(FORGED), q.message.getHeader().getID() ^ 1));
            q.reply(q.answer(many.toArray(String[]::new)));
        }); DnsFixture dns = haystack(up)) {
            Message m = dns.tcp().send(Message.newQuery(Record.newRecord(Name.fromString("big.example.test."), Type.A, 1)));
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertEquals(80, m.getSection(Section.ANSWER).size());
            assertEquals(1, up.tcpQueries());
        }
    }

    @Test
    void aTcpRetryThatFailsMovesOnToTheNextUpstream() throws Exception {
        try (FakeUpstream truncating = new FakeUpstream(q -> {
            Message tc = q.answer();
            tc.getHeader().setFlag(Flags.TC);
            q.reply(tc);
        }, q -> {
            throw new java.io.IOException("the upstream hangs up without an answer");
        }); FakeUpstream second = new FakeUpstream(FakeUpstream.ANSWER); DnsFixture dns = haystack(6000, truncating, second)) {
            assertEquals(List.of("www.example.test. A 10.0.0.1"), addresses(dns.query("www.example.test.", Type.A)));
            assertEquals(1, truncating.tcpQueries());
            long waited = second.received.get(0).at - truncating.received.get(0).at;
            assertTrue(waited < 1_500_000_000L, "moved on without waiting for the re-send interval (2 s): " + waited);
        }
    }

    @Test
    void aSilentFirstUpstreamIsFollowedByTheSecond() throws Exception {
        try (FakeUpstream silent = new FakeUpstream(FakeUpstream.SILENT);
                FakeUpstream second = new FakeUpstream(FakeUpstream.ANSWER);
                DnsFixture dns = haystack(silent, second)) {
            assertEquals("10.0.0.1\n", digShort(dns, "www.example.test"));
            assertTrue(silent.udpQueries() >= 1);
            assertEquals(1, second.udpQueries());
            assertEquals(List.of("next.example.test. A 10.0.0.1"), addresses(dns.query("next.example.test.", Type.A)));
            long secondAsked = second.queriesFor("next.example.test.").get(0).at;
            for (FakeUpstream.Query q : silent.queriesFor("next.example.test.")) {
                assertTrue(q.at - secondAsked > 0, "the upstream that answered last is asked first");
            }
        }
    }

    @Test
    void anUpstreamThatFailsIsFollowedByTheNextAtOnce() throws Exception {
        try (FakeUpstream failing = new FakeUpstream(q -> {
            Message servfail = q.answer();
            servfail.getHeader().setRcode(Rcode.SERVFAIL);
            q.reply(servfail);
        }); FakeUpstream second = new FakeUpstream(FakeUpstream.ANSWER); DnsFixture dns = haystack(6000, failing, second)) {
            assertEquals(List.of("www.example.test. A 10.0.0.1"), addresses(dns.query("www.example.test.", Type.A)));
            assertEquals(1, failing.udpQueries());
            long waited = second.received.get(0).at - failing.received.get(0).at;
            assertTrue(waited < 1_500_000_000L, "moved on without waiting for the re-send interval (2 s): " + waited);
        }
    }

    @Test
    void anUpstreamWithoutEdnsIsAskedAgainWithoutIt() throws Exception {
        try (FakeUpstream old = new FakeUpstream(q -> {
            if (q.message.getOPT() != null) {
                Message formerr = q.answer();
                formerr.getHeader().setRcode(Rcode.FORMERR);
                q.reply(formerr);
            } else {
                q.reply(q.answer("10.0.0.1"));
            }
        }); DnsFixture dns = haystack(old)) {
            assertEquals(List.of("www.example.test. A 10.0.0.1"), addresses(dns.query("www.example.test.", Type.A)));
            assertTrue(old.received.get(0).message.getOPT() != null);
            assertEquals(null, old.received.get(1).message.getOPT(), "asked again without EDNS");
        }
    }

    @Test
    void aLostPacketIsResentWithinTheTimeout() throws Exception {
        try (FakeUpstream up = new FakeUpstream(q -> {
            if (q.n > 1) {
                q.reply(q.answer("10.0.0.1"));
            }
        }); DnsFixture dns = haystack(up)) {
            assertEquals(List.of("www.example.test. A 10.0.0.1"), addresses(dns.query("www.example.test.", Type.A)));
            assertTrue(up.udpQueries() >= 2);
        }
    }

    @Test
    void servfailOnlyAfterEveryAttemptEachFromItsOwnPortAndId() throws Exception {
        try (FakeUpstream silent = new FakeUpstream(FakeUpstream.SILENT); DnsFixture dns = haystack(silent)) {
            long start = System.nanoTime();
            assertEquals(Rcode.SERVFAIL, dns.query("www.example.test.", Type.A).getRcode());
            assertTrue(System.nanoTime() - start < 2_900_000_000L, "bounded by the forward timeout (1.5 s) with slack");
            assertEquals(3, silent.udpQueries());
            Set<Integer> ports = new HashSet<>();
            for (FakeUpstream.Query q : silent.received) {
                ports.add(q.from.getPort());
            }
            assertEquals(3, ports.size(), "a fresh source port per attempt");
            assertEquals(Rcode.NOERROR, dns.query("haystack.", Type.SOA).getRcode());
        }
    }
}
