package haystack.domains.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.RegistrySnapshot;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneQuery;
import haystack.dns.internal.zones.ServicesZone;
import org.junit.jupiter.api.Test;

/** Service domains answered through the real services zone, as the server's own lookups are. */
class DomainsZoneTest {

    private static final String LB = "192.0.2.53";

    private final DomainsZone zone = new DomainsZone(List.of("service.consul", "HighHock.Local.", "bad_domain!", ""));

    DomainsZoneTest() throws Exception {
        zone.providers = List.of(new ServicesZone(List.of(InetAddress.getByName(LB))));
    }

    private static Endpoint.Builder endpoint(String service, String container, String ip, int port, String portName) throws Exception {
        return Endpoint.builder().service(service).containerId(String.format("%064x", container.hashCode() & 0xffffffffL))
                .containerName(container).address(InetAddress.getByName(ip)).port(port).portName(portName).health(Health.HEALTHY);
    }

    private ZoneAnswer ask(String name, Endpoint... endpoints) {
        return zone.lookup(new ZoneQuery(name, "haystack", new RegistrySnapshot(1, List.of(endpoints))));
    }

    private static Set<String> records(ZoneAnswer a) {
        return a.records().stream().map(r -> r instanceof ResourceRecord.Address ad ? r.name() + " " + ad.address().getHostAddress()
                : r instanceof ResourceRecord.Service s ? r.name() + " SRV " + s.port() + " " + s.target() : r.toString())
                .collect(Collectors.toSet());
    }

    @Test
    void zonesAreTheValidDomainsAbsolute() {
        assertEquals(Set.of("service.consul.", "highhock.local."), Set.copyOf(zone.zones()));
        assertTrue(zone.answersWholeZone("service.consul"));
        assertFalse(zone.answersWholeZone("in-addr.arpa"));
    }

    @Test
    void seed004HighHockNamesAnswerAsTheServicesZone() throws Exception {
        Endpoint httpd = endpoint("httpd", "web-server", "10.0.0.2", 80, "http").build();
        Endpoint redis = endpoint("cache", "cache-box", "10.0.0.3", 6379, "redis").build();
        assertEquals(Set.of("httpd.highhock.local " + LB), records(ask("httpd.highhock.local", httpd, redis)),
                "an HTTP service answers with the load balancer");
        assertEquals(Set.of("cache.highhock.local 10.0.0.3"), records(ask("cache.highhock.local", httpd, redis)));
        assertEquals(Set.of("_redis._tcp.cache.highhock.local SRV 6379 cache-box.containers.haystack"),
                records(ask("_redis._tcp.cache.highhock.local", httpd, redis)));
        assertFalse(ask("nosuch.highhock.local", httpd).exists());
        assertTrue(ask("highhock.local", httpd).exists(), "the apex");
        assertTrue(ask("_tcp.cache.highhock.local", redis).exists(), "an empty non-terminal");
    }

    @Test
    void groupedNamesToo() throws Exception {
        Endpoint web = endpoint("nginx", "web-1", "10.0.0.4", 6000, "x11").group("web").build();
        assertEquals(Set.of("web.nginx.service.consul 10.0.0.4"), records(ask("web.nginx.service.consul", web)));
    }

    @Test
    void seed001RestIsTheLoadBalancerOfTheRestTaggedServices() throws Exception {
        Endpoint hello = endpoint("hello/v1", "hello1", "10.0.0.5", 80, "http").tags(Set.of("rest")).build();
        assertEquals(Set.of("rest.service.consul " + LB), records(ask("rest.service.consul", hello)));
        Endpoint down = hello.toBuilder().health(Health.UNHEALTHY).build();
        ZoneAnswer none = ask("rest.service.consul", down);
        assertTrue(none.exists() && none.records().isEmpty(), "tagged but unavailable: NODATA, not NXDOMAIN");
        assertFalse(ask("other.service.consul", hello).exists());
    }

    @Test
    void tagDotServiceFiltersTheServicesEndpoints() throws Exception {
        Endpoint primary = endpoint("db", "db-a", "10.0.1.1", 5432, "postgresql").tags(Set.of("primary")).build();
        Endpoint replica = endpoint("db", "db-b", "10.0.1.2", 5432, "postgresql").tags(Set.of("replica", "Green")).build();
        assertEquals(Set.of("db.service.consul 10.0.1.1", "db.service.consul 10.0.1.2"), records(ask("db.service.consul", primary, replica)));
        assertEquals(Set.of("primary.db.service.consul 10.0.1.1"), records(ask("primary.db.service.consul", primary, replica)));
        assertEquals(Set.of("green.db.service.consul 10.0.1.2"), records(ask("green.db.service.consul", primary, replica)), "tags are case-insensitive");
        assertFalse(ask("blue.db.service.consul", primary, replica).exists());
        assertFalse(ask("primary.db.highhock.local", primary, replica).exists(), "Consul's grammar is for service.consul only");
    }

    @Test
    void rfc2782ServiceAndTagSrv() throws Exception {
        Endpoint primary = endpoint("db", "db-a", "10.0.1.1", 5432, "postgresql").tags(Set.of("primary")).build();
        Endpoint replica = endpoint("db", "db-b", "10.0.1.2", 5432, "postgresql").tags(Set.of("replica")).build();
        assertEquals(Set.of("_db._tcp.service.consul SRV 5432 db-a.containers.haystack", "_db._tcp.service.consul SRV 5432 db-b.containers.haystack"),
                records(ask("_db._tcp.service.consul", primary, replica)));
        assertEquals(Set.of("_db._replica.service.consul SRV 5432 db-b.containers.haystack"),
                records(ask("_db._replica.service.consul", primary, replica)));
        assertFalse(ask("_db._nosuch.service.consul", primary, replica).exists());
        assertFalse(ask("_nosuch._tcp.service.consul", primary, replica).exists());
    }

    @Test
    void theExactServiceWinsOverTagDotService() throws Exception {
        Endpoint tagged = endpoint("nginx", "n-a", "10.0.2.1", 6000, "x11").tags(Set.of("web")).build();
        Endpoint exact = endpoint("web.nginx", "exact", "10.0.2.2", 6000, "x11").build();
        assertEquals(Set.of("web.nginx.service.consul 10.0.2.2"), records(ask("web.nginx.service.consul", tagged, exact)));
        assertEquals(Set.of("web.nginx.service.consul 10.0.2.1"), records(ask("web.nginx.service.consul", tagged)));
    }

    @Test
    void withoutTheServicesZoneNothingIsAnswered() throws Exception {
        zone.providers = List.of();
        assertFalse(ask("httpd.highhock.local", endpoint("httpd", "h", "10.0.0.2", 80, "http").build()).exists());
    }

    @Test
    void hostileNamesAreNxdomain() throws Exception {
        Endpoint httpd = endpoint("httpd", "h", "10.0.0.2", 80, "http").tags(Set.of("rest")).build();
        for (String name : List.of("..service.consul", "_._.service.consul", "_x.service.consul", "a.b.c.d.e.f.service.consul",
                "x".repeat(63) + ".service.consul", "_httpd._tcp._tcp.service.consul", "service.consul.evil")) {
            assertFalse(ask(name, httpd).exists() && !ask(name, httpd).records().isEmpty(), name);
        }
    }
}
