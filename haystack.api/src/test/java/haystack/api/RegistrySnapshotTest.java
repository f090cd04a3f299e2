package haystack.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

class RegistrySnapshotTest {

    private static Endpoint endpoint(String service, String group, String container) throws Exception {
        return Endpoint.builder().service(service).group(group).containerId(container).address(InetAddress.getByName("10.0.0.1"))
                .port(80).build();
    }

    @Test
    void theExactServiceShadowsAnEqualGroupDotService() throws Exception {
        Endpoint exact = endpoint("web.nginx", null, "c1");
        Endpoint grouped = endpoint("nginx", "web", "c2");
        Endpoint other = endpoint("nginx", "api", "c3");
        RegistrySnapshot s = new RegistrySnapshot(1, List.of(exact, grouped, other));
        assertTrue(s.shadowed(grouped));
        assertFalse(s.shadowed(exact));
        assertFalse(s.shadowed(other));
        assertFalse(new RegistrySnapshot(2, List.of(grouped)).shadowed(grouped));
    }
}
