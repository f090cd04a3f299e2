package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import haystack.api.metrics.MetricsWriter;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Queries to the running server over UDP and TCP are counted by type and rcode, and timed. */
class QueryMetricsTest {

    private static List<String> samples(DnsServer server) {
        List<String> lines = new ArrayList<>();
        server.collect(new MetricsWriter() {
            @Override
            public void family(String name, Type type, String help) {
                lines.add("# " + name + " " + type.label());
            }

            @Override
            public void sample(String name, double value, String... labels) {
                lines.add(name + String.join(",", labels) + " " + (long) value);
            }
        });
        return lines;
    }

    @Test
    void queriesAreCountedByTypeAndRcode() throws Exception {
        try (DnsFixture dns = new DnsFixture()) {
            dns.put(DnsFixture.endpoint("web", "web-1", "10.0.0.7", 80, "http"));
            assertEquals(Rcode.NOERROR, dns.query("web.services.haystack.", Type.A).getRcode());
            assertEquals(Rcode.NOERROR, dns.query("web.services.haystack.", Type.A).getRcode());
            assertEquals(Rcode.NXDOMAIN, dns.query("nothing.services.haystack.", Type.AAAA).getRcode());
            assertEquals(Rcode.NOERROR, dns.query("_http._tcp.web.services.haystack.", Type.SRV).getRcode());
            assertEquals(Rcode.NOERROR, dns.query("web.services.haystack.", Type.NAPTR).getRcode());

            List<String> lines = samples(dns.server);
            assertTrue(lines.contains("haystack_dns_queries_totaltype,A,rcode,NOERROR 2"), lines::toString);
            assertTrue(lines.contains("haystack_dns_queries_totaltype,AAAA,rcode,NXDOMAIN 1"), lines::toString);
            assertTrue(lines.contains("haystack_dns_queries_totaltype,SRV,rcode,NOERROR 1"), lines::toString);
            assertTrue(lines.contains("haystack_dns_queries_totaltype,other,rcode,NOERROR 1"), lines::toString);
            assertTrue(lines.contains("haystack_dns_query_duration_seconds_count 5"), lines::toString);
            assertTrue(lines.contains("haystack_dns_query_duration_seconds_bucketle,+Inf 5"), lines::toString);
        }
    }

    @Test
    void aMessageWithoutAReadableQuestionIsCountedApart() {
        assertEquals(-1, QueryMetrics.questionType(java.nio.ByteBuffer.wrap(new byte[12])));
        byte[] truncated = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'e', 'b', 0, 0};
        assertEquals(-1, QueryMetrics.questionType(java.nio.ByteBuffer.wrap(truncated)));
        byte[] a = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'e', 'b', 0, 0, 1, 0, 1};
        assertEquals(Type.A, QueryMetrics.questionType(java.nio.ByteBuffer.wrap(a)));
    }
}
