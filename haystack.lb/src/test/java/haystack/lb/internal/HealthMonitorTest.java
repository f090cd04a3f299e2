package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import haystack.api.Endpoint;
import haystack.api.HealthCheck;
import haystack.lb.internal.health.HealthMonitor;
import org.junit.jupiter.api.Test;

/** The probes behind active checks: TCP connect, and an HTTP GET that must answer 2xx/3xx. */
class HealthMonitorTest {

    private static final HealthCheck TCP = HealthCheck.tcp();

    private static Endpoint at(int port) {
        return LbFixture.endpoint("svc", "svc-1", port).build();
    }

    private static HealthCheck http(String path) {
        return new HealthCheck(path, Duration.ofMillis(500), 1, 1);
    }

    @Test
    void tcpCheckPassesWhenTheConnectionIsAccepted() throws Exception {
        try (TestBackends.Silent open = new TestBackends.Silent()) {
            assertNull(HealthMonitor.probe(at(open.port()), TCP, 500));
        }
    }

    @Test
    void tcpCheckFailsWhenRefused() throws Exception {
        String failure = HealthMonitor.probe(at(TestBackends.closedPort()), TCP, 500);
        assertNotNull(failure);
        assertTrue(failure.contains("Connection refused"), failure);
    }

    @Test
    void httpCheckPassesOn2xxAndFailsOn5xx() throws Exception {
        try (TestBackends.Echo echo = new TestBackends.Echo()) {
            assertNull(HealthMonitor.probe(at(echo.port()), http("/health"), 2000));
            String failure = HealthMonitor.probe(at(echo.port()), http("/status/500"), 2000);
            assertNotNull(failure);
            assertTrue(failure.contains("500"), failure);
        }
    }

    @Test
    void httpCheckFailsWhenTheBackendStaysSilent() throws Exception {
        try (TestBackends.Silent silent = new TestBackends.Silent()) {
            String failure = HealthMonitor.probe(at(silent.port()), http("/"), 300);
            assertNotNull(failure);
            assertTrue(failure.contains("timed out"), failure);
        }
    }
}
