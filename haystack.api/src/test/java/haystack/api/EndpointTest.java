package haystack.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class EndpointTest {

    private static Endpoint.Builder nginx() throws Exception {
        return Endpoint.builder().service("nginx").containerId("abcdef0123456789").containerName("web-001").group("web")
                .address(InetAddress.getByName("172.17.0.2")).port(80).portName("http").network("bridge").source("docker:a");
    }

    @Test
    void idIsStableAcrossStateChanges() throws Exception {
        Endpoint e = nginx().build();
        Endpoint drained = e.toBuilder().draining(true).health(Health.UNHEALTHY).build();
        assertEquals(e.id(), drained.id());
        assertNotEquals(e, drained);
        assertFalse(drained.isAvailable());
        assertTrue(e.isAvailable());
    }

    @Test
    void qualifiedNameIncludesTheGroup() throws Exception {
        assertEquals("web.nginx", nginx().build().qualifiedName());
        assertEquals("v1.hello", nginx().group(null).service("hello/v1").build().qualifiedName());
        assertEquals("abcdef012345", nginx().build().shortContainerId());
    }

    @Test
    void invalidValuesAreRejectedWithTheValueNamed() throws Exception {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> nginx().service("Bad_Name").build());
        assertTrue(bad.getMessage().contains("Bad_Name"));
        assertThrows(IllegalArgumentException.class, () -> nginx().port(0).build());
        assertThrows(IllegalArgumentException.class, () -> nginx().weight(-1).build());
        assertThrows(IllegalArgumentException.class, () -> nginx().path("api").build());
    }

    @Test
    void unnamedPortsGetPortN() throws Exception {
        assertEquals("port-9999", nginx().portName(null).port(9999).build().portName());
    }
}
