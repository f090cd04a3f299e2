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

    private static List<String> samples(haystack.api.metrics.MetricsSource source) {
        List<String> lines = new ArrayList<>();
        source.collect(new MetricsWriter() {
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
        QueryMetrics metrics = new QueryMetrics();
        byte[] response = { 0, 1, (byte) 0x80, 0 };
        metrics.wrap(java.nio.ByteBuffer.wrap(new byte[12]), r -> { }).send(response);
        byte[] truncated = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'e', 'b', 0, 0 };
        metrics.wrap(java.nio.ByteBuffer.wrap(truncated), r -> { }).send(response);
        byte[] a = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'e', 'b', 0, 0, 1, 0, 1 };
        metrics.wrap(java.nio.ByteBuffer.wrap(a), r -> { }).sendShared(response, (byte) 9, (byte) 9);
        byte[] caa = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'e', 'b', 0, 1, 1, 0, 1 };
        metrics.wrap(java.nio.ByteBuffer.wrap(caa), r -> { }).send(response);
        byte[] uncommon = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'e', 'b', 0, 0, 99, 0, 1 };
        metrics.wrap(java.nio.ByteBuffer.wrap(uncommon), r -> { }).send(response);

        List<String> lines = samples(metrics);
        assertTrue(lines.contains("haystack_dns_queries_totaltype,none,rcode,FORMERR 2"), lines::toString);
        assertTrue(lines.contains("haystack_dns_queries_totaltype,A,rcode,NOERROR 1"), "a shared (cached) answer is counted too: " + lines);
        assertTrue(lines.contains("haystack_dns_queries_totaltype,CAA,rcode,NOERROR 1"), lines::toString);
        assertTrue(lines.contains("haystack_dns_queries_totaltype,other,rcode,NOERROR 1"), lines::toString);
        assertTrue(lines.contains("haystack_dns_query_duration_seconds_count 5"), lines::toString);
    }
}
