package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import haystack.api.HealthCheck;
import org.junit.jupiter.api.Test;

/** A failing active check takes an endpoint out of rotation, and the balancer says why (for the dashboard). */
class ActiveCheckVerdictTest {

    @Test
    void aFailingActiveCheckIsReportedWithTheAnswerItGot() throws Exception {
        try (TestBackends.Echo good = new TestBackends.Echo(); TestBackends.Echo bad = new TestBackends.Echo(); LbFixture lb = new LbFixture()) {
            // a generous probe timeout: a slow answer on a busy machine is not the failure under test
            HealthCheck passes = new HealthCheck("/", Duration.ofMillis(300), 1, 1, Duration.ofSeconds(5));
            HealthCheck fails = new HealthCheck("/status/500", Duration.ofMillis(300), 1, 1, Duration.ofSeconds(5));
            lb.put(LbFixture.endpoint("checked", "good", good.port()).healthCheck(passes).build(),
                    LbFixture.endpoint("checked", "bad", bad.port()).healthCheck(fails).build());
            Map<String, String> out = Map.of();
            for (int i = 0; i < 200 && out.isEmpty(); i++) { // probes every 300 ms: up to 20 s
                Thread.sleep(100);
                out = lb.lb.outOfRotation();
            }
            assertEquals(1, out.size(), out.toString());
            assertTrue(out.keySet().iterator().next().contains("/" + bad.port() + "/"), out.toString());
            String why = out.values().iterator().next();
            assertTrue(why.startsWith("active check failing: GET /status/500 answered 'HTTP/1.1 500"), why);
        }
    }
}
