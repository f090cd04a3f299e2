package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;

import haystack.api.discovery.DiscoveryPublisher;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import org.junit.jupiter.api.Test;

/** Bad configuration stops activation with one message naming the setting and the value. */
class DockerDiscoveryTest {

    private final DiscoveryPublisher publisher = new DiscoveryPublisherImpl(new RegistryImpl());

    /** A configuration as Configuration Admin gives it, with {@code self} as self.container (HAYSTACK_SELF_CONTAINER). */
    static DockerDiscovery.Config config(String[] hosts, String[] addresses, String ca, String self) {
        return new DockerDiscovery.Config() {
            @Override public Class<? extends Annotation> annotationType() { return DockerDiscovery.Config.class; }
            @Override public String[] hosts() { return hosts; }
            @Override public boolean tls_verify() { return false; }
            @Override public String cert_path() { return ""; }
            @Override public String tls_ca() { return ca; }
            @Override public String tls_cert() { return ""; }
            @Override public String tls_key() { return ""; }
            @Override public String[] addresses() { return addresses; }
            @Override public boolean published() { return false; }
            @Override public String self_container() { return self; }
        };
    }

    private void fails(DockerDiscovery.Config c, String... mentions) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DockerDiscovery(publisher, c));
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), e.getMessage() + " should mention " + m);
        }
    }

    @Test
    void badHost() {
        fails(config(new String[] { "unix:///var/run/docker.sock", "docker:2375" }, new String[0], ""), "DOCKER_HOST", "docker:2375");
    }

    @Test
    void dockerHostNoneRunsWithoutADockerSource() {
        RegistryImpl registry = new RegistryImpl();
        DockerDiscovery none = new DockerDiscovery(new DiscoveryPublisherImpl(registry), config(new String[] { "none" }, new String[0], ""));
        assertTrue(none.hosts().isEmpty(), "no engine watched");
        assertTrue(registry.snapshot().endpoints().isEmpty());
        none.deactivate();
        fails(config(new String[] { "none", "unix:///var/run/docker.sock" }, new String[0], ""), "DOCKER_HOST", "none");
    }

    @Test
    void noHost() {
        fails(config(new String[] { " " }, new String[0], ""), "DOCKER_HOST", "empty");
    }

    @Test
    void badAdvertisedAddress() {
        fails(config(new String[] { "unix:///var/run/docker.sock" }, new String[] { "my-host.example" }), "HAYSTACK_ADDRESS", "my-host.example");
    }

    @Test
    void partialPemContents() {
        fails(config(new String[] { "unix:///var/run/docker.sock" }, new String[0], "-----BEGIN CERTIFICATE-----"), "DOCKER_CERT", "tls.key");
    }

    @Test
    void badSelfContainer() {
        fails(config(new String[] { "unix:///var/run/docker.sock" }, new String[0], "", "my haystack"), "HAYSTACK_SELF_CONTAINER", "'my haystack'");
    }

    private static DockerDiscovery.Config config(String[] hosts, String[] addresses, String ca) {
        return config(hosts, addresses, ca, "");
    }

    private static DockerDiscovery.Config config(String[] hosts, String[] addresses) {
        return config(hosts, addresses, "");
    }
}
