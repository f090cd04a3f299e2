package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import haystack.api.Endpoint;
import haystack.api.discovery.EndpointSource;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.Test;

/** The engine connection cut and restored while containers changed: the registry ends exact. */
@RequiresDocker
class ReconnectTest {

    @Test
    void silentEngineIsNoticedByPingAndResyncedWhenItAnswersAgain() throws Exception {
        RegistryImpl registry = new RegistryImpl();
        try (EngineFixture engine = new EngineFixture(); EngineProxy proxy = new EngineProxy(Path.of("/var/run/docker.sock"))) {
            RegistryProbe probe = new RegistryProbe(registry, engine.prefix);
            URI host = URI.create("tcp://127.0.0.1:" + proxy.port());
            EndpointSource source = new DiscoveryPublisherImpl(registry).open("docker:" + host);
            ContainerEndpoints rules = new ContainerEndpoints("docker:" + host, host.toString(), PortNames.iana(), false, List.of());
            try (HostWatcher watcher = new HostWatcher(host.toString(), () -> DockerClients.create(host, null), source, rules,
                    Duration.ofMillis(300)).start()) {
                String old = engine.start(engine.container("old"));
                probe.await("registered", l -> l.size() == 1);

                proxy.freeze();
                for (int i = 0; i < 300 && watcher.connected(); i++) {
                    Thread.sleep(20);
                }
                assertFalse(watcher.connected(), "a silent engine is noticed by the ping");
                engine.client.killContainerCmd(old).exec();
                engine.start(engine.container("new"));

                proxy.thaw();
                probe.await("exactly the new container", l -> l.size() == 1 && l.get(0).containerName().equals(engine.name("new")));
            } finally {
                source.close();
                probe.close();
            }
        }
    }

    @Test
    void connectionCutAndRestoredEndsWithExactlyTheRunningContainers() throws Exception {
        RegistryImpl registry = new RegistryImpl();
        try (EngineFixture engine = new EngineFixture(); EngineProxy proxy = new EngineProxy(Path.of("/var/run/docker.sock"))) {
            RegistryProbe probe = new RegistryProbe(registry, engine.prefix);
            URI host = URI.create("tcp://127.0.0.1:" + proxy.port());
            String id = "docker:" + host;
            EndpointSource source = new DiscoveryPublisherImpl(registry).open(id);
            ContainerEndpoints rules = new ContainerEndpoints(id, host.toString(), PortNames.iana(), false, List.of());
            try (HostWatcher watcher = new HostWatcher(host.toString(), () -> DockerClients.create(host, null), source, rules).start()) {
                String stays = engine.start(engine.container("stays"));
                String goes = engine.start(engine.container("goes"));
                String paused = engine.start(engine.container("paused"));
                probe.await("three registered", l -> l.size() == 3);
                assertTrue(watcher.connected());
                assertEquals(0, watcher.reconnects());
                assertTrue(watcher.events() >= 3, "start events of the three containers are counted: " + watcher.events());

                proxy.cut();
                engine.client.killContainerCmd(goes).exec();
                engine.client.pauseContainerCmd(paused).exec();
                engine.start(engine.container("new"));
                List<Endpoint> whileCut = probe.now();
                assertEquals(3, whileCut.size(), "last known set stays while the engine is away");

                proxy.restore();
                Set<String> expected = Set.of(engine.name("stays"), engine.name("new"));
                probe.await("exactly the running containers after reconnect",
                        l -> l.stream().map(Endpoint::containerName).collect(Collectors.toSet()).equals(expected));
                // the new set is published by the sync, a moment before the watcher counts itself connected
                for (int i = 0; i < 500 && !(watcher.connected() && watcher.reconnects() == 1); i++) {
                    Thread.sleep(10);
                }
                assertTrue(watcher.connected());
                assertEquals(1, watcher.reconnects(), "one reconnection counted");
                assertFalse(probe.now().stream().anyMatch(e -> e.containerId().equals(goes) || e.containerId().equals(paused)));
                assertEquals(stays, probe.of(engine.name("stays")).get(0).containerId());

                // events flow again on the new connection
                engine.client.unpauseContainerCmd(paused).exec();
                probe.await("unpaused after reconnect", l -> l.size() == 3);
            } finally {
                source.close();
                probe.close();
            }
        }
    }
}
