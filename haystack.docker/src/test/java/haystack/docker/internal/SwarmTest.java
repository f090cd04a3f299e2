package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import haystack.api.Endpoint;
import haystack.api.discovery.EndpointSource;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.Test;

/**
 * Swarm mode on a manager: a service's running tasks are discovered on its overlay network,
 * follow scaling and removal, and their containers are not registered a second time. The
 * engine is put in swarm mode for the test and left as it was found.
 */
@RequiresDocker
class SwarmTest {

    @Test
    void swarmServiceTasksAreDiscovered() throws Exception {
        RegistryImpl registry = new RegistryImpl();
        try (EngineFixture engine = new EngineFixture()) {
            boolean wasInactive = docker("info", "--format", "{{.Swarm.LocalNodeState}}").trim().equals("inactive");
            boolean hadGwBridge = dockerQuietly("network", "inspect", "docker_gwbridge");
            String network = engine.name("ov");
            String service = engine.name("svc");
            RegistryProbe probe = new RegistryProbe(registry, engine.prefix);
            try {
                if (wasInactive) {
                    docker("swarm", "init", "--advertise-addr", "127.0.0.1");
                }
                docker("network", "create", "-d", "overlay", "--attachable", network);
                docker("service", "create", "--detach", "--name", service, "--network", network, "--replicas", "2",
                        "--label", "haystack.port.80=http", "--stop-grace-period", "1s", engine.image, "sleep", "600");
                EndpointSource source = new DiscoveryPublisherImpl(registry).open("docker:" + EngineFixture.SOCKET);
                ContainerEndpoints rules = new ContainerEndpoints("docker:" + EngineFixture.SOCKET, EngineFixture.SOCKET.toString(),
                        PortNames.iana(), false, List.of());
                try (HostWatcher w = new HostWatcher(EngineFixture.SOCKET.toString(), () -> DockerClients.create(EngineFixture.SOCKET, null),
                        source, rules).start()) {
                    List<Endpoint> tasks = probe.await("two tasks", l -> l.size() == 2);
                    assertEquals(Set.of(service), tasks.stream().map(Endpoint::service).collect(Collectors.toSet()));
                    assertEquals(Set.of(network), tasks.stream().map(Endpoint::network).collect(Collectors.toSet()));
                    assertEquals(Set.of("80/http"), tasks.stream().map(e -> e.port() + "/" + e.portName()).collect(Collectors.toSet()));
                    assertTrue(tasks.stream().allMatch(e -> e.containerName().startsWith(service + ".")), tasks.toString());

                    docker("service", "scale", "--detach", service + "=1");
                    probe.await("scaled to one task", l -> l.size() == 1);
                    docker("service", "rm", service);
                    probe.await("service removed", List::isEmpty);
                } finally {
                    source.close();
                }
            } finally {
                probe.close();
                dockerQuietly("service", "rm", service);
                for (int i = 0; i < 50 && !dockerQuietly("network", "rm", network); i++) {
                    Thread.sleep(200); // the tasks' endpoints leave the network shortly after removal
                }
                if (wasInactive) {
                    docker("swarm", "leave", "--force");
                }
                if (!hadGwBridge) {
                    dockerQuietly("network", "rm", "docker_gwbridge"); // swarm init made it; leave the engine as found
                }
            }
        }
    }

    private static boolean dockerQuietly(String... args) throws InterruptedException {
        try {
            docker(args);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
