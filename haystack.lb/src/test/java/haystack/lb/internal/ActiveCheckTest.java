package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.function.Predicate;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.HealthCheck;
import org.junit.jupiter.api.Test;

/**
 * Active checks report to the registry (one health model): an endpoint whose check fails
 * is unhealthy in the registry's snapshots, which DNS answers from, whatever its port is
 * named; it is healthy again when the check passes; a sibling is never touched.
 */
class ActiveCheckTest {

    private static final HealthCheck TCP = new HealthCheck(null, Duration.ofMillis(100), 2, 2);
    private static final long WAIT_MS = 10_000;

    @Test
    void aFailingTcpCheckOnANonHttpPortReachesTheRegistryAndAPassBringsItBack() throws Exception {
        try (LbFixture lb = new LbFixture(); TestBackends.Silent open = new TestBackends.Silent()) {
            int closed = TestBackends.closedPort();
            Endpoint failing = LbFixture.endpoint("cache", "cache-1", closed).portName("redis").healthCheck(TCP).build();
            Endpoint sibling = LbFixture.endpoint("cache", "cache-2", open.port()).portName("redis").healthCheck(TCP).build();
            lb.put(failing, sibling);

            await(lb, failing.id(), e -> e.health() == Health.UNHEALTHY, "the failing check reached the registry");
            assertTrue(lb.registry.snapshot().endpoint(stamped(lb, sibling.id())).orElseThrow().isAvailable(), "the sibling stays");

            try (ServerSocket answering = new ServerSocket(closed, 50, InetAddress.getLoopbackAddress())) {
                await(lb, failing.id(), Endpoint::isAvailable, "a passing check lifted the verdict");
                assertEquals(Health.UNKNOWN, lb.registry.snapshot().endpoint(stamped(lb, failing.id())).orElseThrow().health(), "the source's health again");
            }
        }
    }

    @Test
    void anHttpEndpointFailingItsCheckLeavesThePoolThroughTheRegistry() throws Exception {
        try (LbFixture lb = new LbFixture(); TestBackends.Echo echo = new TestBackends.Echo()) {
            HealthCheck http = new HealthCheck("/status/500", Duration.ofMillis(100), 1, 1);
            Endpoint sick = LbFixture.endpoint("web", "web-1", echo.port()).healthCheck(http).build();
            lb.put(sick);
            await(lb, sick.id(), e -> e.health() == Health.UNHEALTHY, "the 500 reached the registry");
            long deadline = System.currentTimeMillis() + WAIT_MS;
            int status = 0;
            while (System.currentTimeMillis() < deadline && (status = lb.get("web.services.haystack", "/").statusCode()) != 503) {
                Thread.sleep(20);
            }
            assertEquals(503, status, "no endpoint left");
        }
    }

    @Test
    void aClosedBalancerLiftsTheVerdictsItGave() throws Exception {
        LbFixture lb = new LbFixture();
        try {
            Endpoint failing = LbFixture.endpoint("cache", "cache-1", TestBackends.closedPort()).portName("redis").healthCheck(TCP).build();
            lb.put(failing);
            await(lb, failing.id(), e -> e.health() == Health.UNHEALTHY, "failing");
            lb.lb.close();
            assertTrue(lb.registry.snapshot().endpoint(stamped(lb, failing.id())).orElseThrow().isAvailable(), "no checker, no verdict");
        } finally {
            lb.source.close(); // the balancer is closed already
        }
    }

    @Test
    void aVerdictThatCouldNotBeToldIsToldAfterTheNextProbe() throws Exception {
        // no registry yet (DS binds it after the balancer activates): the verdict waits, it is not lost
        java.util.List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean registryBound = new java.util.concurrent.atomic.AtomicBoolean();
        haystack.lb.internal.health.HealthMonitor.Verdicts verdicts = (id, failing) -> {
            if (!registryBound.get()) {
                return false;
            }
            told.add(failing + " " + id);
            return true;
        };
        LoadBalancer lb = new LoadBalancer(new haystack.lb.internal.routing.StrategyCatalogImpl(), new TestConfig(),
                haystack.api.trace.Tracer.OFF, verdicts);
        try {
            Endpoint failing = LbFixture.endpoint("cache", "cache-1", TestBackends.closedPort()).portName("redis").healthCheck(TCP).build();
            lb.registryChanged(new haystack.api.RegistryChange(haystack.api.RegistrySnapshot.EMPTY,
                    new haystack.api.RegistrySnapshot(1, java.util.List.of(failing)), java.util.List.of(failing), java.util.List.of(), java.util.List.of()));
            Thread.sleep(TCP.interval().toMillis() * (TCP.fall() + 2));
            assertTrue(told.isEmpty(), told.toString());
            registryBound.set(true);
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (told.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(java.util.List.of("true " + failing.id()), told, "told once, when it could be");
            Thread.sleep(TCP.interval().toMillis() * 3);
            assertEquals(1, told.size(), "and not again: " + told);
        } finally {
            lb.close();
        }
    }

    private static void await(LbFixture lb, String unstamped, Predicate<Endpoint> test, String what) throws InterruptedException {
        String id = stamped(lb, unstamped);
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (lb.registry.snapshot().endpoint(id).map(test::test).orElse(false)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(what + ": " + lb.registry.snapshot().endpoint(id));
    }

    /** The id the registry knows {@code unstamped} by, once the test source has stamped it. */
    private static String stamped(LbFixture lb, String unstamped) {
        return lb.registry.snapshot().endpoints().stream().map(Endpoint::id).filter(id -> id.endsWith(unstamped))
                .findFirst().orElseThrow(() -> new AssertionError("not registered: " + unstamped));
    }
}
