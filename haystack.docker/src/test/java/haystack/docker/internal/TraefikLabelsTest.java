package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TraefikLabelsTest {

    private final List<String> complaints = new ArrayList<>();

    private RouteHints read(Map<String, String> labels) {
        return TraefikLabels.read(labels, (k, v, why) -> complaints.add(k + "=" + v + " | " + why));
    }

    @Test
    void routersServicesAndEnable() {
        RouteHints h = read(Map.of(
                "traefik.enable", "true",
                "traefik.http.routers.web.rule", "Host(`shop.example.com`)",
                "traefik.http.routers.api.rule", "PathPrefix(`/api`)",
                "traefik.http.services.web.loadbalancer.server.port", "8080",
                "com.example.other", "x"));
        assertEquals(Boolean.TRUE, h.enabled());
        assertEquals(Set.of("shop.example.com"), h.hosts());
        assertEquals(List.of("/api"), h.paths());
        assertEquals(8080, h.port());
        assertEquals(List.of(), complaints);
    }

    @Test
    void enableFalseOptsOut() {
        assertEquals(Boolean.FALSE, read(Map.of("traefik.enable", "FALSE")).enabled());
        assertNull(read(Map.of("traefik.enable", "perhaps")).enabled());
        assertEquals(1, complaints.size());
    }

    @Test
    void portsOutOfRangeAndOtherLabelsAreLogged() {
        for (String bad : List.of("0", "65536", "-1", "99999999999999999999", "80\u0000", "", "eighty")) {
            complaints.clear();
            assertNull(read(Map.of("traefik.http.services.s.loadbalancer.server.port", bad)).port(), bad);
            assertEquals(1, complaints.size(), bad);
        }
        complaints.clear();
        RouteHints h = read(Map.of("traefik.http.services.a.loadbalancer.server.port", "80",
                "traefik.http.services.b.loadbalancer.server.port", "81",
                "traefik.http.routers.r.tls.certresolver", "le",
                "traefik.http.routers.r.middlewares", "strip"));
        assertEquals(80, h.port(), "the first service's port, in label order");
        assertEquals(3, complaints.size(), complaints.toString());
        assertTrue(complaints.stream().anyMatch(c -> c.contains("certresolver") && c.contains("not used by Haystack")));
    }
}
