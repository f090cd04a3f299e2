package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import haystack.api.HealthCheck;
import org.junit.jupiter.api.Test;

class RegistratorChecksTest {

    private final List<String> complaints = new ArrayList<>();

    private HealthCheck check(Map<String, String> env) {
        return RegistratorChecks.of(suffix -> env.containsKey("SERVICE_" + suffix)
                ? new String[] { "SERVICE_" + suffix, env.get("SERVICE_" + suffix) } : null,
                (k, v, why) -> complaints.add(k + "=" + v + " | " + why));
    }

    @Test
    void httpCheckWithRegistratorsDefaultInterval() {
        HealthCheck hc = check(Map.of("SERVICE_CHECK_HTTP", "/health"));
        assertEquals("/health", hc.path());
        assertEquals(Duration.ofSeconds(10), hc.interval());
        assertNull(hc.timeout());
    }

    @Test
    void tcpCheckIntervalAndTimeout() {
        HealthCheck hc = check(Map.of("SERVICE_CHECK_TCP", "true", "SERVICE_CHECK_INTERVAL", "15s", "SERVICE_CHECK_TIMEOUT", "500ms"));
        assertFalse(hc.isHttp());
        assertEquals(Duration.ofSeconds(15), hc.interval());
        assertEquals(Duration.ofMillis(500), hc.timeout());
        assertNull(check(Map.of("SERVICE_CHECK_TCP", "false")));
        assertEquals(List.of(), complaints);
    }

    @Test
    void hostileValuesFallBackAndAreLogged() {
        assertNull(check(Map.of("SERVICE_CHECK_HTTP", "health\u0000")));
        HealthCheck hc = check(Map.of("SERVICE_CHECK_HTTP", "/h", "SERVICE_CHECK_INTERVAL", "99999999999999999999s",
                "SERVICE_CHECK_TIMEOUT", "-1s"));
        assertEquals(Duration.ofSeconds(10), hc.interval());
        assertNull(hc.timeout());
        assertNull(check(Map.of("SERVICE_CHECK_TCP", "maybe")));
        assertNull(check(Map.of("SERVICE_CHECK_HTTP", "/" + "x".repeat(5000))));
        assertEquals(5, complaints.size(), complaints.toString());
    }

    @Test
    void consulsOtherCheckKindsAreLogged() {
        assertNull(check(Map.of("SERVICE_CHECK_SCRIPT", "curl localhost", "SERVICE_CHECK_TTL", "30s")));
        assertEquals(2, complaints.size());
        assertTrue(complaints.get(0).contains("not supported"));
    }

    @Test
    void durations() {
        assertEquals(Duration.ofMillis(250), RegistratorChecks.duration("250ms"));
        assertEquals(Duration.ofMinutes(1), RegistratorChecks.duration("1m"));
        assertEquals(Duration.ofSeconds(3), RegistratorChecks.duration("3"));
        assertEquals(Duration.ofSeconds(2), RegistratorChecks.duration("PT2S"));
        assertNull(RegistratorChecks.duration("0s"));
        assertNull(RegistratorChecks.duration("P" + "9".repeat(100) + "D"));
    }
}
