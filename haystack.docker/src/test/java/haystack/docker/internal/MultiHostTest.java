package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import haystack.api.Endpoint;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.Test;

/**
 * The component with two Docker hosts (here the same engine, once over its unix socket and
 * once over TCP): each host is its own source, and stopping one host's watcher withdraws
 * only that host's endpoints.
 */
@RequiresDocker
class MultiHostTest {

    @Test
    void eachHostIsItsOwnSource() throws Exception {
        RegistryImpl registry = new RegistryImpl();
        try (EngineFixture engine = new EngineFixture(); EngineProxy proxy = new EngineProxy(Path.of("/var/run/docker.sock"))) {
            RegistryProbe probe = new RegistryProbe(registry, engine.prefix);
            String tcp = "tcp://127.0.0.1:" + proxy.port();
            DockerDiscovery discovery = new DockerDiscovery(new DiscoveryPublisherImpl(registry),
                    config(new String[] { EngineFixture.SOCKET.toString(), tcp }));
            try {
                engine.start(engine.container("both"));
                probe.await("registered once per host", l -> l.size() == 2);
                assertEquals(Set.of("docker:" + EngineFixture.SOCKET, "docker:" + tcp),
                        probe.now().stream().map(Endpoint::source).collect(Collectors.toSet()));
                assertEquals(Set.of(EngineFixture.SOCKET.toString(), tcp),
                        probe.now().stream().map(Endpoint::host).collect(Collectors.toSet()));
            } finally {
                discovery.deactivate();
            }
            assertEquals(0, probe.now().size(), "deactivation withdraws every host's endpoints");
            probe.close();
        }
    }

    private static DockerDiscovery.Config config(String[] hosts) {
        return new DockerDiscovery.Config() {
            @Override public Class<? extends Annotation> annotationType() { return DockerDiscovery.Config.class; }
            @Override public String[] hosts() { return hosts; }
            @Override public boolean tls_verify() { return false; }
            @Override public String cert_path() { return ""; }
            @Override public String tls_ca() { return ""; }
            @Override public String tls_cert() { return ""; }
            @Override public String tls_key() { return ""; }
            @Override public String[] addresses() { return new String[0]; }
            @Override public boolean published() { return false; }
            @Override public String self_container() { return ""; }
        };
    }
}
