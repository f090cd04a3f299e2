package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import haystack.api.zone.LookupResult;
import haystack.api.zone.RecordTypes;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneProvider;
import haystack.api.zone.ZoneQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lookup the console asks against what {@code dig} gets from the running server, for
 * names where picking the first zone that matches would differ from the longest one.
 */
class ServerLookupTest {

    /** A sub-zone of the services zone, as a plug-in bundle could publish: {@code lab.services.haystack}. */
    static final class LabZone implements ZoneProvider {
        @Override
        public List<String> zones() {
            return List.of("lab.services");
        }

        @Override
        public ZoneAnswer lookup(ZoneQuery query) {
            if (query.name().equals("db.lab.services." + query.origin())) {
                try {
                    return ZoneAnswer.of(List.of(new ResourceRecord.Address(query.name(), InetAddress.getByName("198.51.100.7"))));
                } catch (java.net.UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
            return ZoneAnswer.nxdomain();
        }
    }

    private DnsFixture dns;
    private ServerLookup lookup;

    @BeforeEach
    void setUp() throws Exception {
        dns = new DnsFixture();
        LabZone lab = new LabZone();
        dns.server.addZoneProvider(lab);
        lookup = new ServerLookup(dns.registry, DnsFixture.settings("haystack", List.of(), List.of("127.0.0.0/8"), 5));
        // the order of the server: services before its sub-zone, so the first suffix match is the wrong zone
        for (ZoneProvider p : List.of(dns.services, dns.containers, dns.reverse, lab)) {
            lookup.addZoneProvider(p);
        }
        dns.put(DnsFixture.endpoint("nginx", "nginx-1", "172.17.0.2", 80, "http"),
                DnsFixture.endpoint("redis", "redis-1", "172.17.0.3", 6379, "redis"));
    }

    @AfterEach
    void tearDown() {
        dns.close();
    }

    @Test
    void aNameInASubZoneIsAnsweredFromTheLongestZoneAsTheServerDoes() throws Exception {
        LookupResult result = lookup.lookup("db.lab.services.haystack", RecordTypes.A);
        assertTrue(result.owned());
        assertEquals("haystack", result.zone(), "names under the origin cite its SOA");
        assertEquals(List.of(new LookupResult.Entry("db.lab.services.haystack.", 5, "A", "198.51.100.7")), result.answer());
        assertSameAsDig(result, "db.lab.services.haystack", "A");
    }

    @Test
    void everyKindOfAnswerEqualsWhatDigGets() throws Exception {
        String[][] questions = {
            { "nginx.services.haystack", "A" }, { "NGINX.services.haystack.", "A" }, { "redis.services.haystack", "A" },
            { "_redis._tcp.redis.services.haystack", "SRV" }, { "nginx.services.haystack", "ANY" },
            { "nginx.services.haystack", "TXT" }, { "nosuch.services.haystack", "A" }, { "x.nosuch.haystack", "A" },
            { "haystack", "SOA" }, { "haystack", "NS" }, { "haystack", "A" }, { "nginx-1.containers.haystack", "A" },
            { "2.0.17.172.in-addr.arpa", "PTR" }, { "nothing.lab.services.haystack", "A" }, { "db.lab.services.haystack", "AAAA" } };
        for (String[] q : questions) {
            int type = org.xbill.DNS.Type.value(q[1]);
            assertSameAsDig(lookup.lookup(q[0], type), q[0], q[1]);
        }
    }

    @Test
    void aNameOutsideHaystacksZonesIsNotOwned() {
        LookupResult result = lookup.lookup("example.com", RecordTypes.A);
        assertFalse(result.owned());
        assertTrue(result.answer().isEmpty());
        // the reverse zones claim only the addresses they hold; the rest is the upstreams'
        assertFalse(lookup.lookup("9.9.9.9.in-addr.arpa", RecordTypes.PTR).owned());
    }

    @Test
    void badNamesAndMetaTypesAreRefusedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> lookup.lookup("a..b", RecordTypes.A));
        assertThrows(IllegalArgumentException.class, () -> lookup.lookup("", RecordTypes.A));
        assertThrows(IllegalArgumentException.class, () -> lookup.lookup("x".repeat(64) + ".haystack", RecordTypes.A));
        assertThrows(IllegalArgumentException.class, () -> lookup.lookup("haystack", org.xbill.DNS.Type.AXFR));
        assertThrows(IllegalArgumentException.class, () -> lookup.lookup("haystack", org.xbill.DNS.Type.OPT));
    }

    private void assertSameAsDig(LookupResult result, String name, String type) throws Exception {
        String out = dns.dig(name, type);
        Map<String, List<String>> sections = sections(out);
        String question = name + " " + type;
        assertTrue(result.owned(), question + " is Haystack's");
        Matcher status = Pattern.compile("status: (\\w+)").matcher(out);
        assertTrue(status.find(), out);
        assertEquals(status.group(1), result.rcodeName(), question + "\n" + out);
        assertEquals(sections.get("ANSWER"), lines(result.answer()), question + "\n" + out);
        assertEquals(sections.get("AUTHORITY"), lines(result.authority()), question + "\n" + out);
        assertEquals(sections.get("ADDITIONAL"), lines(result.additional()), question + "\n" + out);
    }

    private static List<String> lines(List<LookupResult.Entry> entries) {
        return entries.stream().map(e -> e.name() + " " + e.ttl() + " IN " + e.type() + " " + e.data()).toList();
    }

    /** dig's answer, authority and additional sections, each record's fields joined by one space. */
    static Map<String, List<String>> sections(String digOutput) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        for (String s : List.of("ANSWER", "AUTHORITY", "ADDITIONAL")) {
            sections.put(s, new ArrayList<>());
        }
        List<String> current = null;
        for (String line : digOutput.lines().toList()) {
            Matcher header = Pattern.compile("^;; (\\w+) SECTION:").matcher(line);
            if (header.find()) {
                current = sections.get(header.group(1));
            } else if (line.isBlank()) {
                current = null;
            } else if (current != null && !line.startsWith(";")) {
                current.add(String.join(" ", line.strip().split("\\s+")));
            }
        }
        return sections;
    }
}
