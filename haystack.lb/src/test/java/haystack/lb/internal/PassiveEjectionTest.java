package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Passive health: a backend that refuses connections is ejected after consecutive
 * failures (requests meanwhile retried elsewhere), says why while it is out, and is
 * re-admitted once a probe succeeds.
 */
class PassiveEjectionTest {

    @Test
    void aRefusingBackendIsEjectedThenReadmittedAfterASuccessfulProbe() throws Exception {
        TestBackends.Echo steady = new TestBackends.Echo();
        TestBackends.Echo flaky = new TestBackends.Echo();
        int flakyPort = flaky.port();
        try (LbFixture lb = new LbFixture()) {
            lb.put(LbFixture.endpoint("passive", "steady", steady.port()).build(),
                    LbFixture.endpoint("passive", "flaky", flakyPort).build());
            flaky.close();
            for (int i = 0; i < 10; i++) {
                assertEquals(200, lb.get("passive.services.haystack", "/").statusCode());
            }
            // what the dashboard shows as the reason the endpoint gets no requests
            java.util.Map<String, String> out = lb.lb.outOfRotation();
            assertEquals(1, out.size(), out.toString());
            String why = out.values().iterator().next();
            assertTrue(out.keySet().iterator().next().contains("/" + flakyPort + "/"), out.toString());
            assertTrue(why.startsWith("ejected after ") && why.contains("failed request") && why.contains("backend connection failed"), why);
            flaky = new TestBackends.Echo(flakyPort);
            // bounded: the probe runs every 300 ms; give it up to ~10 s
            for (int i = 0; i < 200 && flaky.requests.get() == 0; i++) {
                assertEquals(200, lb.get("passive.services.haystack", "/").statusCode());
                Thread.sleep(50);
            }
            assertTrue(flaky.requests.get() > 0, "the backend was never re-admitted");
            assertEquals(java.util.Map.of(), lb.lb.outOfRotation(), "back in rotation");
        } finally {
            steady.close();
            flaky.close();
        }
    }
}
