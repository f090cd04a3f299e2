package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.stream.Collectors;

import haystack.api.Health;
import haystack.api.RegistrySnapshot;
import haystack.api.zone.ZoneAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Encoded answers kept across registry changes (AnswerCache): one survives changes to other
 * names and never outlives a change to a name it was made from, the additional section's too.
 */
class AnswerReuseTest {

    private DnsFixture dns;

    @BeforeEach
    void start() throws IOException {
        dns = new DnsFixture();
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private static Set<String> rdata(Message m, int section) {
        return m.getSection(section).stream().filter(r -> r.getType() != Type.OPT).map(Record::rdataToString)
                .collect(Collectors.toSet());
    }

    private static final String SRV = "_redis._tcp.redis.services.haystack.";

    @Test
    void aChangedAdditionalAddressIsNeverServedFromAnOlderAnswer() throws IOException {
        dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis"),
                DnsFixture.endpoint("redis", "redis-2", "172.17.0.5", 6379, "redis"));
        Message first = dns.query(SRV, Type.SRV);
        assertEquals(Set.of("172.17.0.4", "172.17.0.5"), rdata(first, Section.ADDITIONAL));
        // the same SRV records (same target name and port), a new address behind one target
        dns.removeContainer("redis-1");
        dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.9", 6379, "redis"));
        Message second = dns.query(SRV, Type.SRV);
        assertEquals(rdata(first, Section.ANSWER), rdata(second, Section.ANSWER));
        assertEquals(Set.of("172.17.0.9", "172.17.0.5"), rdata(second, Section.ADDITIONAL));
    }

    @Test
    void anAnswerOutlivesOtherServicesChangesAndFollowsItsOwn() throws IOException {
        dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis"),
                DnsFixture.endpoint("redis", "redis-2", "172.17.0.5", 6379, "redis"));
        assertEquals(Set.of("172.17.0.4", "172.17.0.5"), rdata(dns.query("redis.services.haystack.", Type.A), Section.ANSWER));
        for (int i = 0; i < 20; i++) {
            dns.put(DnsFixture.endpoint("web", "web-" + i, "172.18.0." + (i + 1), 6379, "redis"));
            Message m = dns.query("redis.services.haystack.", Type.A);
            assertEquals(Set.of("172.17.0.4", "172.17.0.5"), rdata(m, Section.ANSWER), "after web-" + i);
            assertEquals(Set.of("172.17.0.4", "172.17.0.5"), rdata(dns.query(SRV, Type.SRV), Section.ADDITIONAL));
        }
        dns.put(DnsFixture.endpoint("redis", "redis-2", "172.17.0.5", 6379, "redis").toBuilder().health(Health.UNHEALTHY).build());
        assertEquals(Set.of("172.17.0.4"), rdata(dns.query("redis.services.haystack.", Type.A), Section.ANSWER));
        assertEquals(Set.of("172.17.0.4"), rdata(dns.query(SRV, Type.SRV), Section.ADDITIONAL));
        dns.removeContainer("redis-1");
        dns.removeContainer("redis-2");
        assertEquals(Rcode.NXDOMAIN, dns.query("redis.services.haystack.", Type.A).getRcode());
    }

    @Test
    void negativeAnswersAndTheApexCarryTheCurrentSerial() throws IOException {
        dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis"));
        long before = serial(dns.query("nope.services.haystack.", Type.A), Section.AUTHORITY);
        long apexBefore = serial(dns.query("haystack.", Type.SOA), Section.ANSWER);
        long nodataBefore = serial(dns.query("redis.services.haystack.", Type.TXT), Section.AUTHORITY);
        dns.put(DnsFixture.endpoint("web", "web-1", "172.18.0.1", 80, "http"));
        assertTrue(serial(dns.query("nope.services.haystack.", Type.A), Section.AUTHORITY) > before);
        assertTrue(serial(dns.query("haystack.", Type.SOA), Section.ANSWER) > apexBefore);
        assertTrue(serial(dns.query("redis.services.haystack.", Type.TXT), Section.AUTHORITY) > nodataBefore);
    }

    private static long serial(Message m, int section) {
        return m.getSection(section).stream().filter(r -> r instanceof SOARecord).map(r -> ((SOARecord) r).getSerial())
                .findFirst().orElseThrow(() -> new AssertionError("no SOA in " + m));
    }

    @Test
    void aFullCacheStartsOverSoRandomNamesCannotGrowIt() {
        // the name has no answer at version 1, one later
        AnswerCache cache = new AnswerCache((name, snapshot, zones) -> snapshot.version() == 1 ? null : ZoneAnswer.emptyNonTerminal());
        RegistrySnapshot s = new RegistrySnapshot(1, java.util.List.of());
        AnswerCache.Basis basis = new AnswerCache.Basis(new String[] { "x" }, new ZoneAnswer[] { null }, false);
        for (int i = 0; i < AnswerCache.CAPACITY + 10; i++) {
            ByteBuffer q = ByteBuffer.wrap(("..query-" + i).getBytes());
            cache.put(AnswerCache.key(q, false, true, null), s, ZoneTable.EMPTY, new byte[] { 1, 2, 3 }, basis, 0);
            assertTrue(cache.size() <= AnswerCache.CAPACITY);
        }
        ByteBuffer last = ByteBuffer.wrap(("..query-" + (AnswerCache.CAPACITY + 9)).getBytes());
        byte[] hit = cache.get(AnswerCache.key(last, false, true, null), s, ZoneTable.EMPTY);
        assertNotNull(hit);
        assertEquals(3, hit[2]);
        byte[][] sent = new byte[1][];
        Reply reply = response -> sent[0] = response;
        reply.sendShared(hit, (byte) 7, (byte) 8);
        assertEquals(7, sent[0][0], "sent with the query's own id");
        assertEquals(8, sent[0][1]);
        assertEquals(1, hit[0], "the shared response is left as it is");
        assertNull(cache.get(AnswerCache.key(last, true, true, null), s, ZoneTable.EMPTY), "TCP is another key");
        assertNotNull(cache.get(AnswerCache.key(last, false, true, null), new RegistrySnapshot(1, java.util.List.of()), ZoneTable.EMPTY),
                "another snapshot where the name still has no answer: holds");
        assertNull(cache.get(AnswerCache.key(last, false, true, null), new RegistrySnapshot(2, java.util.List.of()), ZoneTable.EMPTY),
                "its name now has an answer: no longer holds");
    }
}
