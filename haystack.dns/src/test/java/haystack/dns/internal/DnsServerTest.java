package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import haystack.api.Health;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneProvider;
import haystack.api.zone.ZoneQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Every row of SPEC §4's table, asked over real UDP with dnsjava's resolver. */
class DnsServerTest {

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
        return m.getSection(section).stream().map(Record::rdataToString).collect(Collectors.toSet());
    }

    @Test
    void serviceWithHttpPortAnswersHaystacksAddress() throws IOException {
        dns.put(DnsFixture.endpoint("nginx", "nginx-1", "172.17.0.2", 80, "http"),
                DnsFixture.endpoint("nginx", "nginx-2", "172.17.0.3", 80, "http"));
        Message m = dns.query("nginx.services.haystack.", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(m.getHeader().getFlag(Flags.AA));
        assertEquals(Set.of(DnsFixture.ADVERTISED), rdata(m, Section.ANSWER));
        assertEquals(5, m.getSection(Section.ANSWER).get(0).getTTL());
    }

    @Test
    void serviceWithoutHttpPortAnswersAvailableEndpoints() throws IOException {
        dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis"),
                DnsFixture.endpoint("redis", "redis-2", "172.17.0.5", 6379, "redis"),
                DnsFixture.endpoint("redis", "redis-3", "172.17.0.6", 6379, "redis").toBuilder().health(Health.UNHEALTHY).build(),
                DnsFixture.endpoint("redis", "redis-4", "172.17.0.7", 6379, "redis").toBuilder().draining(true).build(),
                DnsFixture.endpoint("redis", "redis-5", "172.17.0.8", 6379, "redis").toBuilder().health(Health.STARTING).build());
        Message m = dns.query("redis.services.haystack.", Type.A);
        assertEquals(Set.of("172.17.0.4", "172.17.0.5"), rdata(m, Section.ANSWER));
    }

    @Test
    void groupFormAnswersOnlyThatGroup() throws IOException {
        dns.put(DnsFixture.endpoint("redis", "cache-1", "172.17.0.4", 6379, "redis").toBuilder().group("cache").build(),
                DnsFixture.endpoint("redis", "store-1", "172.17.0.5", 6379, "redis").toBuilder().group("store").build());
        assertEquals(Set.of("172.17.0.4"), rdata(dns.query("cache.redis.services.haystack.", Type.A), Section.ANSWER));
        // grouped containers serve their group's name only, as the balancer routes them
        Message plain = dns.query("redis.services.haystack.", Type.A);
        assertEquals(Rcode.NOERROR, plain.getRcode(), "the plain name is the groups' parent: NODATA, not NXDOMAIN");
        assertEquals(Set.of(), rdata(plain, Section.ANSWER));
        dns.put(DnsFixture.endpoint("redis", "redis-9", "172.17.0.9", 6379, "redis"));
        assertEquals(Set.of("172.17.0.9"), rdata(dns.query("redis.services.haystack.", Type.A), Section.ANSWER));
        assertEquals(1, dns.query("_redis._tcp.store.redis.services.haystack.", Type.SRV).getSection(Section.ANSWER).size());
    }

    @Test
    void ipv6EndpointsAnswerAaaa() throws IOException {
        dns.put(DnsFixture.endpoint("db", "db-1", "fd00:dead:beef::5", 5432, "postgresql"));
        Message m = dns.query("db.services.haystack.", Type.AAAA);
        assertEquals(Set.of("fd00:dead:beef:0:0:0:0:5"), rdata(m, Section.ANSWER).stream()
                .map(s -> s.replace("::", ":0:0:0:0:")).collect(Collectors.toSet()));
        Message a = dns.query("db.services.haystack.", Type.A);
        assertEquals(Rcode.NOERROR, a.getRcode());
        assertTrue(a.getSection(Section.ANSWER).isEmpty());
    }

    @Test
    void srvPerAvailableEndpointWithAddressesInAdditional() throws IOException {
        dns.put(DnsFixture.endpoint("web", "web-1", "172.17.0.2", 8080, "http-alt"),
                DnsFixture.endpoint("web", "web-2", "172.17.0.3", 8081, "http-alt"),
                DnsFixture.endpoint("web", "web-3", "172.17.0.9", 8082, "http-alt").toBuilder().health(Health.UNHEALTHY).build());
        Message m = dns.query("_http-alt._tcp.web.services.haystack.", Type.SRV);
        assertTrue(m.getHeader().getFlag(Flags.AA));
        Set<String> srv = m.getSection(Section.ANSWER).stream().map(r -> (SRVRecord) r)
                .map(r -> r.getTarget() + ":" + r.getPort()).collect(Collectors.toSet());
        assertEquals(Set.of("web-1.containers.haystack.:8080", "web-2.containers.haystack.:8081"), srv);
        Set<String> glue = m.getSection(Section.ADDITIONAL).stream().filter(r -> r instanceof ARecord)
                .map(r -> r.getName() + "=" + r.rdataToString()).collect(Collectors.toSet());
        assertEquals(Set.of("web-1.containers.haystack.=172.17.0.2", "web-2.containers.haystack.=172.17.0.3"), glue);
    }

    @Test
    void containersByNameAndShortId() throws IOException {
        var web = DnsFixture.endpoint("web", "web_2", "172.17.0.2", 80, "http");
        dns.put(web);
        assertEquals(Set.of("172.17.0.2"), rdata(dns.query("web-2.containers.haystack.", Type.A), Section.ANSWER));
        assertEquals(12, web.shortContainerId().length());
        assertEquals(Set.of("172.17.0.2"), rdata(dns.query(web.shortContainerId() + ".containers.haystack.", Type.A), Section.ANSWER));
    }

    @Test
    void reverseNamesOfContainerAddresses() throws IOException {
        dns.put(DnsFixture.endpoint("web", "web-1", "172.17.0.2", 80, "http"));
        Message m = dns.query("2.0.17.172.in-addr.arpa.", Type.PTR);
        assertTrue(m.getHeader().getFlag(Flags.AA));
        assertEquals("web-1.containers.haystack.", ((PTRRecord) m.getSection(Section.ANSWER).get(0)).getTarget().toString());
    }

    @Test
    void apexHasSoaAndNs() throws IOException {
        Message soa = dns.query("haystack.", Type.SOA);
        assertTrue(soa.getHeader().getFlag(Flags.AA));
        assertEquals("haystack.", ((SOARecord) soa.getSection(Section.ANSWER).get(0)).getHost().toString());
        Message ns = dns.query("haystack.", Type.NS);
        assertEquals("haystack.", ((NSRecord) ns.getSection(Section.ANSWER).get(0)).getTarget().toString());
        assertEquals(Set.of(DnsFixture.ADVERTISED), ns.getSection(Section.ADDITIONAL).stream()
                .filter(r -> r.getType() == Type.A).map(Record::rdataToString).collect(Collectors.toSet()));
    }

    @Test
    void nameGoesWithItsLastEndpoint() throws IOException {
        var one = DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis");
        var two = DnsFixture.endpoint("redis", "redis-2", "172.17.0.5", 6379, "redis");
        dns.put(one, two);
        dns.removeContainer("redis-1");
        assertEquals(Set.of("172.17.0.5"), rdata(dns.query("redis.services.haystack.", Type.A), Section.ANSWER));
        dns.removeContainer("redis-2");
        assertEquals(Rcode.NXDOMAIN, dns.query("redis.services.haystack.", Type.A).getRcode());
        assertEquals(Rcode.NXDOMAIN, dns.query("redis-2.containers.haystack.", Type.A).getRcode());
    }

    @Test
    void nxdomainAndNodataEachCarryTheSoa() throws IOException {
        dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis"));
        Message nx = dns.query("nothing.services.haystack.", Type.A);
        assertEquals(Rcode.NXDOMAIN, nx.getRcode());
        assertTrue(nx.getHeader().getFlag(Flags.AA));
        assertEquals(Type.SOA, nx.getSection(Section.AUTHORITY).get(0).getType());
        assertEquals("haystack.", nx.getSection(Section.AUTHORITY).get(0).getName().toString());
        Message nodata = dns.query("redis.services.haystack.", Type.MX);
        assertEquals(Rcode.NOERROR, nodata.getRcode());
        assertTrue(nodata.getSection(Section.ANSWER).isEmpty());
        assertEquals(Type.SOA, nodata.getSection(Section.AUTHORITY).get(0).getType());
        Message ent = dns.query("_tcp.redis.services.haystack.", Type.A);
        assertEquals(Rcode.NOERROR, ent.getRcode());
        assertEquals(Rcode.NXDOMAIN, dns.query("elsewhere.haystack.", Type.A).getRcode());
    }

    @Test
    void namesAreCaseInsensitiveAndTheQuestionIsEchoedAsAsked() throws IOException {
        dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis"));
        Message m = dns.query("ReDiS.SeRvIcEs.HayStack.", Type.A);
        assertEquals(Set.of("172.17.0.4"), rdata(m, Section.ANSWER));
        assertEquals("ReDiS.SeRvIcEs.HayStack.", m.getQuestion().getName().toString());
    }

    @Test
    void anyIsAnsweredWithOneRrset() throws IOException {
        dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis"),
                DnsFixture.endpoint("redis", "redis-2", "fd00::4", 6379, "redis"));
        Message m = dns.query("redis.services.haystack.", Type.ANY);
        Set<Integer> types = m.getSection(Section.ANSWER).stream().map(Record::getType).collect(Collectors.toSet());
        assertEquals(1, types.size());
    }

    @Test
    void zoneTransfersAreRefused() throws IOException {
        byte[] axfr = Message.newQuery(Record.newRecord(org.xbill.DNS.Name.fromString("haystack."), Type.AXFR,
                org.xbill.DNS.DClass.IN)).toWire();
        assertEquals(Rcode.REFUSED, new Message(dns.rawTcp(axfr)).getRcode());
        assertEquals(Rcode.REFUSED, dns.query("haystack.", Type.IXFR).getRcode());
    }

    @Test
    void providerAddedOrRemovedWhileRunningChangesZonesAtOnce() throws IOException {
        dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis"));
        dns.server.removeZoneProvider(dns.services);
        assertEquals(Rcode.NXDOMAIN, dns.query("redis.services.haystack.", Type.A).getRcode());
        dns.server.addZoneProvider(dns.services);
        assertEquals(Rcode.NOERROR, dns.query("redis.services.haystack.", Type.A).getRcode());
        assertFalse(dns.query("redis.services.haystack.", Type.A).getSection(Section.ANSWER).isEmpty());
    }

    @Test
    void aThirdPartyZoneServesItsOwnNamesAndFailuresStayInsideIt() throws IOException {
        ZoneProvider custom = new ZoneProvider() {
            @Override
            public List<String> zones() {
                return List.of("example.internal.", "extra");
            }

            @Override
            public ZoneAnswer lookup(ZoneQuery q) {
                if (q.name().startsWith("boom.")) {
                    throw new IllegalStateException("provider bug");
                }
                return q.name().startsWith("info.") ? ZoneAnswer.of(List.of(new ResourceRecord.Text(q.name(),
                        List.of("endpoints=" + q.registry().size())))) : ZoneAnswer.nxdomain();
            }
        };
        dns.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis"));
        dns.server.addZoneProvider(custom);
        Message txt = dns.query("info.example.internal.", Type.TXT);
        assertTrue(txt.getHeader().getFlag(Flags.AA));
        assertEquals(Set.of("\"endpoints=1\""), rdata(txt, Section.ANSWER));
        assertEquals(Set.of("\"endpoints=1\""), rdata(dns.query("info.extra.haystack.", Type.TXT), Section.ANSWER));
        assertEquals(Rcode.NXDOMAIN, dns.query("nothing.extra.haystack.", Type.TXT).getRcode());
        assertEquals(Rcode.SERVFAIL, dns.query("boom.extra.haystack.", Type.A).getRcode());
        assertEquals(Rcode.NOERROR, dns.query("redis.services.haystack.", Type.A).getRcode());
        dns.server.removeZoneProvider(custom);
        assertEquals(Rcode.NXDOMAIN, dns.query("info.extra.haystack.", Type.TXT).getRcode());
    }

    @Test
    void aProviderAnsweringItsWholeAbsoluteZoneGivesNxdomainWithItsOwnSoa() throws IOException {
        ZoneProvider domain = new ZoneProvider() {
            @Override
            public List<String> zones() {
                return List.of("service.consul.");
            }

            @Override
            public boolean answersWholeZone(String apex) {
                return apex.equals("service.consul");
            }

            @Override
            public ZoneAnswer lookup(ZoneQuery q) {
                return q.name().equals("service.consul") ? ZoneAnswer.emptyNonTerminal()
                        : q.name().equals("rest.service.consul") ? ZoneAnswer.of(List.of(new ResourceRecord.Text(q.name(), List.of("x"))))
                        : ZoneAnswer.nxdomain();
            }
        };
        dns.server.addZoneProvider(domain);
        Message nx = dns.query("nosuch.service.consul.", Type.A);
        assertEquals(Rcode.NXDOMAIN, nx.getRcode(), "never forwarded upstream");
        assertTrue(nx.getHeader().getFlag(Flags.AA));
        assertEquals("service.consul.", nx.getSection(Section.AUTHORITY).get(0).getName().toString());
        Message nodata = dns.query("rest.service.consul.", Type.A);
        assertEquals(Rcode.NOERROR, nodata.getRcode());
        assertEquals("service.consul.", nodata.getSection(Section.AUTHORITY).get(0).getName().toString());
        Message apex = dns.query("service.consul.", Type.SOA);
        assertEquals(Type.SOA, apex.getSection(Section.ANSWER).get(0).getType());
    }

    @Test
    void ttlIsConfigurable() throws IOException {
        try (DnsFixture thirty = new DnsFixture(List.of(), List.of("127.0.0.0/8"), 30)) {
            thirty.put(DnsFixture.endpoint("redis", "redis-1", "172.17.0.4", 6379, "redis"));
            assertEquals(30, thirty.query("redis.services.haystack.", Type.A).getSection(Section.ANSWER).get(0).getTTL());
        }
    }

    @Test
    void digSeesTheSameAnswers() throws Exception {
        dns.put(DnsFixture.endpoint("web", "web-1", "172.17.0.2", 8080, "http-alt"));
        String a = dns.dig("+norec", "web.services.haystack", "A");
        assertTrue(a.contains("status: NOERROR"), a);
        assertTrue(a.matches("(?s).*flags: qr aa.*"), a);
        assertTrue(a.matches("(?s).*web\\.services\\.haystack\\.\\s+5\\s+IN\\s+A\\s+192\\.0\\.2\\.10.*"), a);
        String srv = dns.dig("_http-alt._tcp.web.services.haystack", "SRV");
        assertTrue(srv.matches("(?s).*SRV\\s+0 1 8080 web-1\\.containers\\.haystack\\..*"), srv);
        assertTrue(srv.matches("(?s).*ADDITIONAL SECTION:\\s+web-1\\.containers\\.haystack\\.\\s+5\\s+IN\\s+A\\s+172\\.17\\.0\\.2.*"), srv);
        String nx = dns.dig("missing.services.haystack", "A");
        assertTrue(nx.contains("status: NXDOMAIN") && nx.contains("AUTHORITY SECTION"), nx);
        String tcp = dns.dig("+tcp", "web-1.containers.haystack", "A");
        assertTrue(tcp.matches("(?s).*web-1\\.containers\\.haystack\\.\\s+5\\s+IN\\s+A\\s+172\\.17\\.0\\.2.*"), tcp);
    }
}
