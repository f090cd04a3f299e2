package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import haystack.api.Endpoint;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Names outside Haystack's zones go to the upstreams (SPEC §4, last row). */
class ForwardingTest {

    @Test
    void forwardsCachesAndFailsWithServfailWhenUpstreamsAreDown() throws Exception {
        Dnsmasq upstream = new Dnsmasq(300, "up.example.test,10.9.8.7", "other.example.test,10.9.8.8");
        try (DnsFixture dns = new DnsFixture(List.of("127.0.0.1:" + upstream.port()), List.of("127.0.0.0/8"), 5)) {
            Message first = dns.query("up.example.test.", Type.A);
            assertEquals(Rcode.NOERROR, first.getRcode());
            assertEquals("10.9.8.7", first.getSection(Section.ANSWER).get(0).rdataToString());
            assertTrue(first.getHeader().getFlag(Flags.RA));
            assertFalse(first.getHeader().getFlag(Flags.AA));
            upstream.close();
            Message cached = dns.query("UP.example.test.", Type.A);
            assertEquals("10.9.8.7", cached.getSection(Section.ANSWER).get(0).rdataToString());
            assertTrue(cached.getSection(Section.ANSWER).get(0).getTTL() <= 300);
            assertEquals("UP.example.test.", cached.getQuestion().getName().toString());
            assertEquals(Rcode.SERVFAIL, dns.query("other.example.test.", Type.A).getRcode());
            assertEquals(Rcode.NOERROR, dns.query("haystack.", Type.SOA).getRcode());
        } finally {
            upstream.close();
        }
    }

    @Test
    void silentUpstreamGivesServfailAfterABoundedWait() throws Exception {
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"));
                DnsFixture dns = new DnsFixture(List.of("127.0.0.1:" + silent.getLocalPort()), List.of("127.0.0.0/8"), 5)) {
            assertEquals(Rcode.SERVFAIL, dns.query("up.example.test.", Type.A).getRcode());
            assertEquals(Rcode.NOERROR, dns.query("haystack.", Type.SOA).getRcode());
        }
    }

    @Test
    void negativeAnswersAreCachedForTheSoaMinimum() throws Exception {
        DnsFixture upstream = new DnsFixture("upstream", List.of(), List.of("127.0.0.0/8"), 60);
        try (DnsFixture dns = new DnsFixture(List.of("127.0.0.1:" + upstream.port()), List.of("127.0.0.0/8"), 5)) {
            Message nx = dns.query("missing.services.upstream.", Type.A);
            assertEquals(Rcode.NXDOMAIN, nx.getRcode());
            assertEquals(Type.SOA, nx.getSection(Section.AUTHORITY).get(0).getType());
            upstream.close();
            assertEquals(Rcode.NXDOMAIN, dns.query("missing.services.upstream.", Type.A).getRcode());
            assertEquals(Rcode.SERVFAIL, dns.query("other.services.upstream.", Type.A).getRcode());
        } finally {
            upstream.close();
        }
    }

    @Test
    void truncatedUpstreamAnswersAreRetriedOverTcp() throws Exception {
        try (DnsFixture upstream = new DnsFixture("upstream", List.of(), List.of("127.0.0.0/8"), 60);
                DnsFixture dns = new DnsFixture(List.of("127.0.0.1:" + upstream.port()), List.of("127.0.0.0/8"), 5)) {
            List<Endpoint> many = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                many.add(DnsFixture.endpoint("big", "big-" + i, "10.1.0." + i, 6000 + i, "x11"));
            }
            upstream.source.put(many);
            Message m = dns.tcp().send(Message.newQuery(org.xbill.DNS.Record.newRecord(
                    org.xbill.DNS.Name.fromString("_x11._tcp.big.services.upstream."), Type.SRV, org.xbill.DNS.DClass.IN)));
            assertEquals(100, m.getSection(Section.ANSWER).size());
            assertFalse(m.getHeader().getFlag(Flags.TC));
        }
    }

    @Test
    void clientsOutsideTheAllowListAreRefusedForOtherNames() throws Exception {
        Dnsmasq upstream = new Dnsmasq(300, "up.example.test,10.9.8.7");
        try (DnsFixture dns = new DnsFixture(List.of("127.0.0.1:" + upstream.port()), List.of("10.0.0.0/8"), 5)) {
            dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis"));
            Message refused = dns.query("up.example.test.", Type.A);
            assertEquals(Rcode.REFUSED, refused.getRcode());
            assertFalse(refused.getHeader().getFlag(Flags.RA));
            Message owned = dns.query("redis.services.haystack.", Type.A);
            assertEquals(Rcode.NOERROR, owned.getRcode());
            assertEquals("172.17.0.4", owned.getSection(Section.ANSWER).get(0).rdataToString());
        } finally {
            upstream.close();
        }
    }

    @Test
    void reverseNamesHaystackDoesNotKnowAreForwarded() throws Exception {
        Dnsmasq upstream = new Dnsmasq(300, "up.example.test,10.9.8.7");
        try (DnsFixture dns = new DnsFixture(List.of("127.0.0.1:" + upstream.port()), List.of("127.0.0.0/8"), 5)) {
            dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis"));
            Message ptr = dns.query("7.8.9.10.in-addr.arpa.", Type.PTR);
            assertFalse(ptr.getHeader().getFlag(Flags.AA));
            assertEquals("up.example.test.", ptr.getSection(Section.ANSWER).get(0).rdataToString());
            assertTrue(dns.query("4.0.17.172.in-addr.arpa.", Type.PTR).getHeader().getFlag(Flags.AA));
        } finally {
            upstream.close();
        }
    }
}
