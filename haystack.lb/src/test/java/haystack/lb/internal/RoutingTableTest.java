package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.RegistrySnapshot;
import haystack.lb.internal.routing.Backend;
import haystack.lb.internal.routing.Route;
import haystack.lb.internal.routing.RoutingTable;
import org.junit.jupiter.api.Test;

class RoutingTableTest {

    private final Map<String, Backend> backends = new HashMap<>();

    private RoutingTable table(String portName, Endpoint... endpoints) {
        RegistrySnapshot snapshot = new RegistrySnapshot(1, List.of(endpoints));
        return RoutingTable.build(snapshot, portName, "haystack",
                e -> backends.computeIfAbsent(e.id(), id -> new Backend(e, () -> { })),
                new HashMap<String, AtomicLong>());
    }

    @Test
    void hostsAreServiceGroupAndAliasNamesUnderTheOrigin() {
        Endpoint plain = LbFixture.endpoint("nginx", "c1", 1001).build();
        Endpoint grouped = LbFixture.endpoint("nginx", "c2", 1002).group("web").aliases(Set.of("WWW.Example.TEST")).build();
        Endpoint versioned = LbFixture.endpoint("hello/v1", "c3", 1003).build();
        RoutingTable t = table("http", plain, grouped, versioned);
        assertEquals("nginx", t.host("nginx.services.haystack").service());
        assertEquals("web.nginx", t.host("web.nginx.services.haystack").service());
        assertEquals("web.nginx", t.host("www.example.test").service());
        assertEquals("v1.hello", t.host("v1.hello.services.haystack").service());
        assertNull(t.host("other.services.haystack"));
    }

    @Test
    void theBareServiceNameIsAHostToo() {
        Endpoint a = LbFixture.endpoint("servicea.prod", "c1", 1001).aliases(Set.of("servicea.prod.example.com")).build();
        Endpoint b = LbFixture.endpoint("serviceb.prod", "c2", 1002).build();
        RoutingTable t = table("http", a, b);
        assertEquals("serviceb.prod", t.host(RoutingTable.normalHost("serviceB.prod")).service(), "seed 003: Host: serviceB.prod");
        assertEquals("serviceb.prod", t.host("serviceb.prod.services.haystack").service());
        assertEquals("servicea.prod", t.host(RoutingTable.normalHost("serviceA.prod.example.com")).service());
    }

    @Test
    void serviceDomainsAreHostsToo() {
        Endpoint httpd = LbFixture.endpoint("httpd", "c1", 1001).build();
        RoutingTable t = RoutingTable.build(new RegistrySnapshot(1, List.of(httpd)), "http", "haystack",
                List.of("highhock.local", "service.consul"), e -> new Backend(e, () -> { }), new HashMap<>());
        assertEquals("httpd", t.host(RoutingTable.normalHost("HTTPD.highhock.local")).service(), "seed 004: curl httpd.highhock.local");
        assertEquals("httpd", t.host("httpd.service.consul").service());
    }

    @Test
    void aServiceNamedLikeAnAddressNeverTakesRequestsToHaystacksAddress() {
        Endpoint address = LbFixture.endpoint("127.0.0.1", "c1", 1001).build();
        Endpoint local = LbFixture.endpoint("localhost", "c2", 1002).build();
        RoutingTable t = table("http", address, local);
        assertNull(t.host("127.0.0.1"));
        assertNull(t.host("localhost"));
        assertEquals("127.0.0.1", t.host("127.0.0.1.services.haystack").service());
    }

    @Test
    void anAliasWinsOverABareName() {
        Endpoint nginx = LbFixture.endpoint("nginx", "c1", 1001).build();
        Endpoint claims = LbFixture.endpoint("shop", "c2", 1002).aliases(Set.of("nginx")).build();
        assertEquals("shop", table("http", nginx, claims).host("nginx").service());
    }

    @Test
    void theExactDottedServiceWinsOverGroupDotService() {
        Endpoint exact = LbFixture.endpoint("web.nginx", "c1", 1001).build();
        Endpoint grouped = LbFixture.endpoint("nginx", "c2", 1002).group("web").build();
        Route route = table("http", exact, grouped).host("web.nginx.services.haystack");
        assertEquals(1, route.registered(), "only the exact service's endpoint");
        assertEquals(1001, route.pool().endpoint(0).port());
        assertEquals(1002, table("http", grouped).host("web.nginx.services.haystack").pool().endpoint(0).port(), "alone, the group serves");
    }

    @Test
    void hostHeadersAreComparedWithoutCasePortOrTrailingDot() {
        assertEquals("nginx.services.haystack", RoutingTable.normalHost("NGINX.Services.Haystack:8080"));
        assertEquals("nginx.services.haystack", RoutingTable.normalHost("nginx.services.haystack."));
        assertEquals("[::1]", RoutingTable.normalHost("[::1]:80"));
    }

    @Test
    void longestPathPrefixWinsAtSegmentBoundaries() {
        Endpoint hello = LbFixture.endpoint("hello", "c1", 1001).path("/hello").build();
        Endpoint v1 = LbFixture.endpoint("hello/v1", "c2", 1002).path("/hello/v1").build();
        RoutingTable t = table("http", hello, v1);
        assertEquals("v1.hello", t.path("/hello/v1/x").route().service());
        assertEquals("v1.hello", t.path("/hello/v1").route().service());
        assertEquals("hello", t.path("/hello/v1x").route().service());
        assertEquals("hello", t.path("/hello").route().service());
        assertNull(t.path("/hellothere"));
        assertNull(t.path("/"));
    }

    @Test
    void eachListenerServesItsOwnPortName() {
        Endpoint http = LbFixture.endpoint("jenkins", "c1", 1001).build();
        Endpoint alt = LbFixture.endpoint("jenkins", "c1", 1002).portName("http-alt").build();
        Endpoint redis = LbFixture.endpoint("cache", "c2", 6379).portName("redis").build();
        assertEquals(1001, table("http", http, alt, redis).host("jenkins.services.haystack").pool().endpoint(0).port());
        assertEquals(1002, table("http-alt", http, alt, redis).host("jenkins.services.haystack").pool().endpoint(0).port());
        assertNull(table("http", redis).host("cache.services.haystack"));
    }

    @Test
    void port80AlsoServesAServiceWhoseOnlyWebPortIsHttpAlt() {
        // seed 003: serviceB listens on 8080 and its users ask http://serviceB.prod:80 through the proxy
        Endpoint b1 = LbFixture.endpoint("serviceb.prod", "b1", 2001).portName("http-alt").build();
        Endpoint b2 = LbFixture.endpoint("serviceb.prod", "b2", 2002).portName("http-alt").build();
        RoutingTable http = table("http", b1, b2);
        Route bare = http.host("serviceb.prod");
        assertEquals("serviceb.prod", bare.service());
        assertEquals(2, bare.pool().size());
        assertEquals(bare, http.host("serviceb.prod.services.haystack"));
        assertEquals(2, table("http-alt", b1, b2).host("serviceb.prod").pool().size(), "and on 8080 as before");
    }

    @Test
    void aServiceWithAnHttpEndpointKeepsPort80ToThoseEvenBesideHttpAltOnes() {
        // in any order: the http endpoint's id sorts after the http-alt ones here
        Endpoint alt1 = LbFixture.endpoint("mixed", "a1", 2001).portName("http-alt").build();
        Endpoint web = LbFixture.endpoint("mixed", "z9", 2003).build();
        Endpoint alt2 = LbFixture.endpoint("mixed", "a2", 2002).portName("http-alt").build();
        Route on80 = table("http", alt1, web, alt2).host("mixed.services.haystack");
        assertEquals(1, on80.pool().size());
        assertEquals(2003, on80.pool().endpoint(0).port());
        assertEquals(1, on80.registered(), "the http-alt ones are 8080's");
        assertEquals(2, table("http-alt", alt1, web, alt2).host("mixed.services.haystack").pool().size());
    }

    @Test
    void theChoiceIsPerServiceAndGroupName() {
        Endpoint plain = LbFixture.endpoint("app", "p1", 2001).build();
        Endpoint grouped = LbFixture.endpoint("app", "w1", 2002).group("web").portName("http-alt").build();
        RoutingTable http = table("http", plain, grouped);
        assertEquals(2001, http.host("app.services.haystack").pool().endpoint(0).port());
        assertEquals(2002, http.host("web.app.services.haystack").pool().endpoint(0).port(), "web.app has http-alt only");
        assertNull(table("http-alt", plain).host("app.services.haystack"), "8080 never serves an http endpoint");
    }

    @Test
    void drainingAndUnhealthyEndpointsStayRoutedButTakeNoTraffic() {
        Endpoint draining = LbFixture.endpoint("web", "c1", 1001).draining(true).build();
        Endpoint starting = LbFixture.endpoint("web", "c2", 1002).health(Health.STARTING).build();
        Route route = table("http", draining, starting).host("web.services.haystack");
        assertEquals(0, route.pool().size());
        assertEquals(2, route.registered());
    }
}
