package haystack.etcd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The component's own checks of its configuration (Configuration Admin files bypass the environment's). */
class EtcdDiscoveryTest {

    @Test
    void endpointsAreHttpHostPortAndNothingElse() {
        assertEquals(List.of(URI.create("http://10.0.0.5:2379/"), URI.create("http://etcd.example:2379/")),
                EtcdDiscovery.endpoints(new String[] { " http://10.0.0.5:2379 ", "", "http://etcd.example:2379/" }));
        assertTrue(EtcdDiscovery.endpoints(new String[0]).isEmpty(), "none: off");
        for (String bad : new String[] { "10.0.0.5:2379", "https://10.0.0.5:2379", "http://10.0.0.5", "http://:2379", "http://a b:2379" }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EtcdDiscovery.endpoints(new String[] { bad }), bad);
            assertTrue(e.getMessage().contains("HAYSTACK_ETCD") && e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void theDefaultNodeNameIsTheHostName() {
        String name = EtcdDiscovery.hostName();
        assertFalse(name.isBlank());
        assertFalse(name.contains("\n"));
    }
}
