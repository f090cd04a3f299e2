package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import haystack.api.Endpoint;
import haystack.api.strategy.BalancingStrategy;
import haystack.testing.HttpdContainer;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Seed 000's picture on a real engine: four httpd containers behind service nginx, each
 * serving its own letter, a web-001/web-002 group, and an http-alt container; plus path,
 * alias and strategy routing over the same containers, registered at their published
 * loopback ports through a real registry.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadBalancerTest {

    private static final List<String> LETTERS = List.of("a", "b", "c", "d");
    private final Map<String, HttpdContainer> containers = new HashMap<>();
    private LbFixture lb;

    @BeforeAll
    void start() throws IOException {
        for (String name : List.of("a", "b", "c", "d", "web-001", "web-002")) {
            HttpdContainer c = new HttpdContainer(name);
            c.start();
            containers.put(name, c);
        }
        HttpdContainer alt = new HttpdContainer("alt", 8080);
        alt.start();
        containers.put("alt", alt);
        lb = new LbFixture();
        List<Endpoint> endpoints = new ArrayList<>();
        for (String letter : LETTERS) {
            endpoints.add(at("nginx", letter).build());
        }
        endpoints.add(at("nginx", "web-001").group("web").build());
        endpoints.add(at("nginx", "web-002").group("web").build());
        endpoints.add(at("jenkins", "alt").portName("http-alt").build());
        // seed 001: SERVICE_NAME=hello/v1 with SERVICE_TAGS=rest routes /hello/v1; a shorter prefix beside it
        endpoints.add(at("hello/v1", "b").path("/hello/v1").build());
        endpoints.add(at("hello", "c").path("/hello").aliases(Set.of("www.example.test")).build());
        // strategies picked by label, with weights
        endpoints.add(at("weighted", "a").strategy("weighted").weight(1).build());
        endpoints.add(at("weighted", "b").strategy("weighted").weight(3).build());
        for (String letter : LETTERS) {
            endpoints.add(at("sticky", letter).strategy("consistent-hash").build());
        }
        lb.put(endpoints);
    }

    /** An endpoint of {@code service} on container {@code name}'s published port; id differs per service. */
    private Endpoint.Builder at(String service, String name) {
        HttpdContainer c = containers.get(name);
        return LbFixture.endpoint(service, name, c.getFirstMappedPort()).containerId(c.getContainerId() + "-" + service.replace('/', '-'));
    }

    @AfterAll
    void stop() {
        if (lb != null) {
            lb.close();
        }
        containers.values().forEach(HttpdContainer::stop);
    }

    @Test
    void everyLetterIsServedBehindTheServiceAndTheGroupIsSeparate() throws Exception {
        Set<String> letters = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            letters.add(lb.body("nginx.services.haystack", "/"));
        }
        assertEquals(Set.copyOf(LETTERS), letters);
        Set<String> group = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            group.add(lb.body("web.nginx.services.haystack", "/"));
        }
        assertEquals(Set.of("web-001", "web-002"), group);
    }

    @Test
    void roundRobinCyclesExactly() throws Exception {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            seen.add(lb.body("nginx.services.haystack", "/"));
        }
        assertEquals(4, new HashSet<>(seen.subList(0, 4)).size(), seen.toString());
        for (int i = 4; i < 12; i++) {
            assertEquals(seen.get(i - 4), seen.get(i), seen.toString());
        }
    }

    @Test
    void hostIsMatchedWithoutCaseOrPort() throws Exception {
        assertTrue(LETTERS.contains(lb.body("NGINX.Services.Haystack:80", "/")));
    }

    @Test
    void theAltPortServesHttpAltEndpointsOnlyAndPort80AlsoServesAServiceWithNoHttpPort() throws Exception {
        assertEquals("alt", lb.get(lb.lb.httpAltPort(), "jenkins.services.haystack:8080", "/").body().trim());
        assertEquals("alt", lb.body("jenkins.services.haystack", "/"), "jenkins has http-alt only: port 80 serves it too");
        assertEquals(404, lb.get(lb.lb.httpAltPort(), "nginx.services.haystack", "/").statusCode());
    }

    @Test
    void pathPrefixesRouteOnAnyHostLongestFirstAndAreStripped() throws Exception {
        assertEquals("b", lb.body("localhost", "/hello/v1/"));
        assertEquals("b", lb.body("127.0.0.1", "/hello/v1/index.html"));
        assertEquals("c", lb.body("localhost", "/hello/index.html"));
        assertEquals("b", lb.body("v1.hello.services.haystack", "/"));
    }

    @Test
    void aliasesRouteToTheirService() throws Exception {
        assertEquals("c", lb.body("WWW.example.test", "/"));
    }

    @Test
    void weightedFollowsTheWeights() throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            counts.merge(lb.body("weighted.services.haystack", "/"), 1, Integer::sum);
        }
        int a = counts.getOrDefault("a", 0);
        assertTrue(a >= 40 && a <= 60, "a got " + a + " of 200 with weight 1 against 3: " + counts);
    }

    @Test
    void consistentHashKeepsAClientOnOneEndpoint() throws Exception {
        Set<String> used = new HashSet<>();
        for (int client = 2; client < 12; client++) {
            InetAddress from = InetAddress.getByAddress(new byte[] { 127, 0, 0, (byte) client });
            String first = rawGet(from, "sticky.services.haystack");
            for (int again = 0; again < 3; again++) {
                assertEquals(first, rawGet(from, "sticky.services.haystack"), "client " + from);
            }
            used.add(first);
        }
        assertTrue(used.size() >= 2, "ten clients all on " + used);
    }

    @Test
    void aStrategyArrivingIsUsedAtOnceAndItsLeavingFallsBackToRoundRobin() throws Exception {
        BalancingStrategy first = (pool, client) -> 0;
        lb.add(first, "first");
        lb.strategies.choose("nginx", "first");
        Set<String> pinned = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            pinned.add(lb.body("nginx.services.haystack", "/"));
        }
        assertEquals(1, pinned.size(), pinned.toString());
        lb.strategies.removeStrategy(first, Map.of(BalancingStrategy.NAME_PROPERTY, "first"));
        Set<String> after = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            after.add(lb.body("nginx.services.haystack", "/"));
        }
        assertEquals(Set.copyOf(LETTERS), after);
        lb.strategies.choose("nginx", null);
        assertThrows(IllegalArgumentException.class, () -> lb.strategies.choose("nginx", "first"));
    }

    /** GET / with this Host from a socket bound to {@code from}; returns the body. */
    private String rawGet(InetAddress from, String host) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), lb.lb.httpPort()), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            in.transferTo(out);
            String response = out.toString(StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            return response.substring(response.indexOf("\r\n\r\n") + 4).trim();
        }
    }
}
