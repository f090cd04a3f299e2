package haystack.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class ServiceNamesTest {

    @Test
    void servicePathsBecomeReversedDnsNames() {
        assertEquals("v1.hello", ServiceNames.dnsName("hello/v1"));
        assertEquals("nginx", ServiceNames.dnsName("nginx"));
        assertEquals("/hello/v1", ServiceNames.httpPath("hello/v1"));
    }

    @Test
    void labelsFollowRfc1123() {
        assertTrue(ServiceNames.isValidLabel("web-001"));
        assertFalse(ServiceNames.isValidLabel("-web"));
        assertFalse(ServiceNames.isValidLabel("Web"));
        assertFalse(ServiceNames.isValidLabel("a".repeat(64)));
        assertTrue(ServiceNames.isValidService("hello/v1"));
        assertFalse(ServiceNames.isValidService("hello//v1"));
    }

    @Test
    void normalizingFoldsWhatDnsCannotCarry() {
        assertEquals(Optional.of("my-app"), ServiceNames.normalizeLabel("My_App"));
        assertEquals(Optional.of("a-b"), ServiceNames.normalizeLabel("--a..b--"));
        assertEquals(Optional.empty(), ServiceNames.normalizeLabel("__"));
        assertEquals(Optional.empty(), ServiceNames.normalizeLabel("x".repeat(64)));
    }
}
