package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class NginxProxyEnvTest {

    private final List<String> complaints = new ArrayList<>();

    private RouteHints read(Map<String, String> env) {
        return NginxProxyEnv.read(env, (k, v, why) -> complaints.add(k + "=" + v + " | " + why));
    }

    @Test
    void hostsPortAndPath() {
        RouteHints h = read(Map.of("VIRTUAL_HOST", "Shop.example.com, www.shop.example.com.,", "VIRTUAL_PORT", "3000",
                "VIRTUAL_PATH", "/shop/"));
        assertEquals(Set.of("shop.example.com", "www.shop.example.com"), h.hosts());
        assertEquals(3000, h.port());
        assertEquals(List.of("/shop"), h.paths());
        assertEquals(List.of(), complaints);
        assertSame(RouteHints.NONE, read(Map.of("PATH", "/bin")));
    }

    @Test
    void hostileValuesAreLoggedAndSkipped() {
        RouteHints h = read(Map.of(
                "VIRTUAL_HOST", "*.example.com,~^api\\..*$,ok.example.com,bad\u001bhost.com," + "x".repeat(300) + ".com",
                "VIRTUAL_PORT", "70000", "VIRTUAL_PATH", "relative"));
        assertEquals(Set.of("ok.example.com"), h.hosts());
        assertNull(h.port());
        assertEquals(List.of(), h.paths());
        assertEquals(6, complaints.size(), complaints.toString());
    }

    @Test
    void thousandsOfHostsAreCapped() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            many.append("h").append(i).append(".example.com,");
        }
        RouteHints h = read(Map.of("VIRTUAL_HOST", many.toString()));
        assertEquals(64, h.hosts().size());
        assertEquals(1, complaints.size());
    }
}
