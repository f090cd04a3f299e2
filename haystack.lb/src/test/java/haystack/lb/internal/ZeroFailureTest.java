package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.github.dockerjava.api.DockerClient;
import haystack.api.Endpoint;
import haystack.api.HealthCheck;
import haystack.testing.HttpdContainer;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * Containers leaving under load: drained then stopped, or killed outright, while a
 * bounded concurrent request loop runs; and an unhealthy container removed and
 * re-admitted by its active check. Not one request may fail.
 */
@RequiresDocker
class ZeroFailureTest {

    private static final int CONCURRENCY = 4;
    private final List<HttpdContainer> containers = new ArrayList<>();
    private final DockerClient docker = DockerClientFactory.instance().client();
    private LbFixture lb;

    @BeforeEach
    void start() throws Exception {
        lb = new LbFixture();
    }

    @AfterEach
    void stop() {
        lb.close();
        containers.forEach(HttpdContainer::stop);
    }

    private List<Endpoint> startService(String service, int count, HealthCheck check) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            HttpdContainer c = new HttpdContainer(service + "-" + i);
            c.start();
            containers.add(c);
            endpoints.add(LbFixture.endpoint(service, service + "-" + i, c.getFirstMappedPort())
                    .containerId(c.getContainerId()).healthCheck(check).build());
        }
        lb.put(endpoints);
        return endpoints;
    }

    private HttpdContainer container(Endpoint e) {
        return containers.stream().filter(c -> c.getContainerId().equals(e.containerId())).findFirst().orElseThrow();
    }

    @Test
    void drainingThenStoppingAContainerFailsNoRequest() throws Exception {
        List<Endpoint> endpoints = startService("drain", 3, null);
        Endpoint leaving = endpoints.get(0);
        try (RequestLoop loop = new RequestLoop(lb.lb.httpPort(), "drain.services.haystack", CONCURRENCY)) {
            loop.awaitRequests(200);
            lb.put(leaving.toBuilder().draining(true).build());
            int servedWhenDrained = loop.served("drain-1");
            loop.awaitRequests(100);
            docker.stopContainerCmd(leaving.containerId()).withTimeout(2).exec();
            loop.awaitRequests(100);
            lb.remove(leaving);
            loop.awaitRequests(200);
            loop.close();
            System.out.println("drain-then-stop requests=" + loop.done.get() + " failures=" + loop.failures.size() + " served=" + loop.bodies);
            assertEquals(List.of(), loop.failures);
            assertTrue(servedWhenDrained > 0, "drain-1 served nothing before draining");
            assertTrue(loop.served("drain-1") <= servedWhenDrained + CONCURRENCY,
                    "drain-1 got new requests after draining: " + loop.bodies);
            assertTrue(loop.served("drain-2") > 0 && loop.served("drain-3") > 0, loop.bodies.toString());
        }
    }

    @Test
    void killingAContainerFailsNoGetAndEjectsIt() throws Exception {
        List<Endpoint> endpoints = startService("kill", 3, null);
        Endpoint victim = endpoints.get(1);
        try (RequestLoop loop = new RequestLoop(lb.lb.httpPort(), "kill.services.haystack", CONCURRENCY)) {
            loop.awaitRequests(200);
            docker.killContainerCmd(victim.containerId()).withSignal("KILL").exec();
            loop.awaitRequests(400);
            int servedAfterKill = loop.served("kill-2");
            loop.awaitRequests(200);
            loop.close();
            System.out.println("sigkill requests=" + loop.done.get() + " failures=" + loop.failures.size() + " served=" + loop.bodies);
            assertEquals(List.of(), loop.failures);
            assertEquals(servedAfterKill, loop.served("kill-2"));
        }
        Set<String> now = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            now.add(lb.body("kill.services.haystack", "/"));
        }
        assertEquals(Set.of("kill-1", "kill-3"), now);
    }

    @Test
    void anUnhealthyContainerIsTakenOutAndReadmitted() throws Exception {
        HealthCheck check = new HealthCheck("/", Duration.ofMillis(300), 2, 1);
        List<Endpoint> endpoints = startService("sick", 2, check);
        Endpoint sick = endpoints.get(0);
        docker.pauseContainerCmd(container(sick).getContainerId()).exec();
        try {
            // bounded wait for the check to notice (fall = 1 failed check)
            String answer = "";
            for (int i = 0; i < 100 && !awaitOnly("sick-2", 4); i++) {
                Thread.sleep(100);
            }
            for (int i = 0; i < 8; i++) {
                answer = lb.body("sick.services.haystack", "/");
                assertEquals("sick-2", answer);
            }
        } finally {
            docker.unpauseContainerCmd(container(sick).getContainerId()).exec();
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100 && seen.size() < 2; i++) {
            seen.add(lb.body("sick.services.haystack", "/"));
            Thread.sleep(50);
        }
        assertEquals(Set.of("sick-1", "sick-2"), seen);
    }

    /** Whether the next {@code n} requests all answer {@code body}. */
    private boolean awaitOnly(String body, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            var r = lb.get("sick.services.haystack", "/");
            if (r.statusCode() != 200 || !r.body().trim().equals(body)) {
                return false;
            }
        }
        return true;
    }
}
