package haystack.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.RegistryChange;
import haystack.api.RegistrySnapshot;
import haystack.api.strategy.StrategyCatalog;
import org.junit.jupiter.api.Test;

/** One registry change, one event: what each kind of update is called, the initial sync, and a change too large to send. */
class RegistryEventsTest {

    private static Endpoint endpoint(String container, int port) {
        return Endpoint.builder().service("web").containerId(container).containerName(container).source("docker:unix:///x")
                .address(InetAddress.getLoopbackAddress()).port(port).portName("http").build();
    }

    private static DashboardState state() {
        AdminView view = (AdminView) java.lang.reflect.Proxy.newProxyInstance(AdminView.class.getClassLoader(), new Class<?>[] {AdminView.class},
                (p, m, a) -> m.getName().equals("sourceStatuses") || m.getName().equals("metricsSources") ? List.of() : null);
        return new DashboardState(view, 2000);
    }

    @Test
    void updatesAreNamedForWhatChanged() {
        Endpoint a = endpoint("web-1", 80);
        Endpoint drained = a.toBuilder().draining(true).build();
        Endpoint sick = a.toBuilder().health(Health.UNHEALTHY).build();
        assertEquals("drain", RegistryEvents.kind(a, drained));
        assertEquals("undrain", RegistryEvents.kind(drained, a));
        assertEquals("health", RegistryEvents.kind(a, sick));
        assertEquals("updated", RegistryEvents.kind(a, a.toBuilder().weight(5).build()));

        RegistrySnapshot before = new RegistrySnapshot(1, List.of(a));
        RegistryEvents.Event e = RegistryEvents.of(new RegistryChange(before, new RegistrySnapshot(2, List.of(sick)), List.of(), List.of(), List.of(sick)),
                5, state());
        assertEquals("change", e.type());
        assertTrue(e.data().contains("\"kind\":\"health\",\"service\":\"web\",\"container\":\"web-1\",\"endpoint\":\"127.0.0.1:80/tcp\",\"health\":\"unhealthy\",\"was\":\"unknown\""), e.data());
        assertTrue(e.data().contains("\"available\":false,\"why\":\"Docker health check: unhealthy\""), e.data());
        assertTrue(e.data().contains("\"strategies\":{\"web\":{\"name\":\"round-robin\",\"why\":\"no load balancer installed\"}}"), e.data());
    }

    @Test
    void theInitialSyncIsOneSyncEventAndBecomingReadyIsOneLine() {
        Endpoint a = endpoint("web-1", 80);
        RegistrySnapshot starting = new RegistrySnapshot(1, List.of(a), false);
        RegistryEvents.Event sync = RegistryEvents.of(new RegistryChange(new RegistrySnapshot(0, List.of(), false), starting, List.of(a), List.of(), List.of()),
                5, state());
        assertEquals("sync", sync.type());
        assertFalse(sync.data().contains("\"lines\""), "no line per endpoint: " + sync.data());
        assertTrue(sync.data().contains("\"container\":\"web-1\""), "the endpoints still come: " + sync.data());
        RegistryEvents.Event ready = RegistryEvents.of(new RegistryChange(starting, new RegistrySnapshot(2, List.of(a), true), List.of(), List.of(), List.of()),
                6, state());
        assertEquals("ready", ready.type());
        assertEquals("{\"time\":6,\"endpoints\":1,\"services\":1}", ready.data());
        RegistrySnapshot now = new RegistrySnapshot(2, List.of(a), true);
        assertNull(RegistryEvents.of(new RegistryChange(now, now, List.of(), List.of(), List.of()), 7, state()));
    }

    @Test
    void aChangeOfMoreThanAThousandEndpointsAsksThePageToReload() {
        List<Endpoint> many = new ArrayList<>();
        for (int i = 0; i < RegistryEvents.MAX_ENDPOINTS + 1; i++) {
            many.add(endpoint("web-" + i, 80));
        }
        RegistryEvents.Event e = RegistryEvents.of(new RegistryChange(new RegistrySnapshot(1, List.of()), new RegistrySnapshot(2, many), many, List.of(), List.of()),
                5, state());
        assertEquals("reload", e.type());
        assertEquals("{\"time\":5,\"sync\":false,\"ready\":true,\"added\":1001,\"removed\":0,\"updated\":0}", e.data());
    }

    @Test
    void theStrategyIsNamedAsTheBalancerChoosesIt() {
        StrategyCatalog catalog = new StrategyCatalog() {
            @Override public java.util.SortedSet<String> names() { return new java.util.TreeSet<>(List.of("round-robin", "random")); }
            @Override public java.util.Map<String, String> overrides() { return java.util.Map.of("picked", "random", "gone", "first"); }
            @Override public void choose(String service, String strategy) { }
        };
        assertEquals(new StrategyNames.Choice("random", "chosen at runtime"), StrategyNames.of("picked", "round-robin", catalog));
        assertEquals(new StrategyNames.Choice("round-robin", "chosen at runtime: first is not installed"), StrategyNames.of("gone", null, catalog));
        assertEquals(new StrategyNames.Choice("random", "label haystack.strategy"), StrategyNames.of("web", "random", catalog));
        assertEquals(new StrategyNames.Choice("round-robin", "label haystack.strategy: nope is not installed"), StrategyNames.of("web", "nope", catalog));
        assertEquals(new StrategyNames.Choice("round-robin", "default"), StrategyNames.of("web", null, catalog));
    }
}
