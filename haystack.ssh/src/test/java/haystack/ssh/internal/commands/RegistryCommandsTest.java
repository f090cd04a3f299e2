package haystack.ssh.internal.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.RegistrySnapshot;
import org.junit.jupiter.api.Test;

class RegistryCommandsTest {

    private static Endpoint endpoint(String name, String group, int last, Health health) throws Exception {
        return Endpoint.builder().service("nginx").group(group).containerId("id" + last + "0123456789abcdef").containerName(name)
                .address(InetAddress.getByAddress(new byte[] { (byte) 172, 17, 0, (byte) last })).port(80).portName("http")
                .network("bridge").health(health).source("docker:test").build();
    }

    private final RegistrySnapshot snapshot;
    private final RegistryCommands commands;

    RegistryCommandsTest() throws Exception {
        snapshot = new RegistrySnapshot(7, List.of(
                endpoint("nginx-a", null, 2, Health.HEALTHY),
                endpoint("nginx-b", null, 3, Health.UNHEALTHY),
                endpoint("web-001", "web", 4, Health.UNKNOWN)));
        commands = new RegistryCommands(new FixedRegistry(snapshot));
    }

    @Test
    void servicesCountsEndpointsAndAvailableOnes() {
        String out = commands.services();
        List<String> lines = out.lines().toList();
        assertEquals("SERVICE    ENDPOINTS  AVAILABLE  PORTS  STRATEGY", lines.get(0));
        assertEquals("nginx      2          1          http   round-robin", lines.get(1));
        assertEquals("web.nginx  1          1          http   round-robin", lines.get(2));
        assertEquals("2 services (registry version 7)", lines.get(3));
    }

    @Test
    void endpointsFilterByServiceAndShowHealth() {
        String out = commands.endpoints("web.nginx");
        assertTrue(out.contains("web-001"), out);
        assertTrue(!out.contains("nginx-a"), out);
        assertTrue(commands.endpoints().contains("unhealthy"));
    }

    @Test
    void anUnknownServiceIsAnErrorNotAnEmptyTable() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> commands.endpoints("nosuch"));
        assertEquals("no service named 'nosuch' (see haystack:services)", e.getMessage());
    }

    @Test
    void strategyOfAnUnknownServiceIsAnErrorAndAKnownOneCanBeSet() {
        java.util.Map<String, String> chosen = new java.util.HashMap<>();
        haystack.api.strategy.StrategyCatalog catalog = new haystack.api.strategy.StrategyCatalog() {
            @Override
            public java.util.SortedSet<String> names() {
                return new java.util.TreeSet<>(List.of("round-robin", "least-connections"));
            }

            @Override
            public java.util.Map<String, String> overrides() {
                return java.util.Map.copyOf(chosen);
            }

            @Override
            public void choose(String service, String strategy) {
                if (strategy == null) {
                    chosen.remove(service);
                } else {
                    chosen.put(service, strategy);
                }
            }
        };
        StrategyCommands strategies = new StrategyCommands(catalog, new FixedRegistry(snapshot));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> strategies.strategy("nosuch"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> strategies.strategy(null, "nosuch", "round-robin"));
        assertTrue(chosen.isEmpty());
        assertTrue(strategies.strategy(null, "web.nginx", "least-connections").contains("least-connections (chosen at runtime)"));
    }

    @Test
    void containersListEachContainerOnce() {
        String out = commands.containers();
        assertTrue(out.contains("nginx-a    id2012345678  nginx"), out);
        assertTrue(out.endsWith("3 containers (registry version 7)"), out);
    }
}
