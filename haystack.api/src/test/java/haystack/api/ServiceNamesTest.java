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
    void dottedServiceNamesAreValidAsWritten() {
        assertTrue(ServiceNames.isValidService("servicea.prod"));
        assertEquals("servicea.prod", ServiceNames.dnsName("servicea.prod"));
        assertEquals("v1.2.hello", ServiceNames.dnsName("hello/v1.2"));
        assertFalse(ServiceNames.isValidService("servicea..prod"));
        assertFalse(ServiceNames.isValidService(".prod"));
        assertFalse(ServiceNames.isValidService("serviceA.prod"), "lower case, as DNS names are compared");
        assertFalse(ServiceNames.isValidService("a.".repeat(80) + "b"), "longer than MAX_SERVICE_LENGTH");
        assertTrue(ServiceNames.isValidHostName("servicea.prod.example.com"));
        assertFalse(ServiceNames.isValidHostName("bad\u0000.example.com"));
        assertFalse(ServiceNames.isValidHostName("ab.".repeat(90) + "com"));
    }

    @Test
    void normalizingFoldsWhatDnsCannotCarry() {
        assertEquals(Optional.of("my-app"), ServiceNames.normalizeLabel("My_App"));
        assertEquals(Optional.of("a-b"), ServiceNames.normalizeLabel("--a..b--"));
        assertEquals(Optional.empty(), ServiceNames.normalizeLabel("__"));
        assertEquals(Optional.empty(), ServiceNames.normalizeLabel("x".repeat(64)));
    }
}
