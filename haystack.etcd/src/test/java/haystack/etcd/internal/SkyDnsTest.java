package haystack.etcd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import haystack.api.Endpoint;
import haystack.api.Health;
import haystack.api.discovery.DiscoveryPublisher;
import haystack.api.discovery.EndpointSource;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import haystack.testing.EtcdServer;
import haystack.testing.RequiresEtcd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seed 004's SkyDNS keys written beside Haystack's own, in step with what may take traffic. */
@RequiresEtcd
class SkyDnsTest {

    @TempDir
    Path dir;
    private EtcdServer etcd;
    private EtcdClient reader;

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdServer.start(dir);
        reader = new EtcdClient(List.of(URI.create(etcd.url() + "/")), Duration.ofSeconds(3));
    }

    @AfterEach
    void stop() throws Exception {
        etcd.close();
    }

    private Map<String, String> skydns() throws EtcdException {
        Map<String, String> out = new TreeMap<>();
        reader.range("/skydns/", "/skydns0").kvs().forEach(kv -> out.put(kv.key().replaceAll("/h[0-9a-f]{16}$", "/<id>"), kv.value()));
        return out;
    }

    private EtcdSync node(RegistryImpl registry, DiscoveryPublisher publisher) {
        EtcdSync sync = EtcdDiscovery.open(new EtcdClient(List.of(URI.create(etcd.url() + "/")), Duration.ofSeconds(3)),
                new EtcdKeys("/haystack"), "host-a", 30, registry, publisher, new SkyDnsLayout("HighHock.local"));
        registry.addListener(change -> sync.registryChanged());
        return sync;
    }

    @Test
    void servingEndpointsAreInSkyDnsLayoutAndLeaveItWhenTheyStopServing() throws Exception {
        RegistryImpl registry = new RegistryImpl();
        DiscoveryPublisherImpl publisher = new DiscoveryPublisherImpl(registry);
        EndpointSource local = publisher.open("docker:test");
        EtcdSync sync = node(registry, publisher);
        Endpoint httpd = Endpoint.builder().service("httpd").containerId("c1").address(InetAddress.getByName("10.0.0.7")).port(8080).build();
        Endpoint v1 = Endpoint.builder().service("hello/v1").containerId("c2").address(InetAddress.getByName("10.0.0.8")).port(80).build();
        local.put(List.of(httpd, v1));
        TwoNodesTest.await("SkyDNS keys written", Duration.ofSeconds(5), () -> {
            try {
                return skydns().equals(Map.of(
                        "/skydns/local/highhock/httpd/<id>", "{\"host\":\"10.0.0.7\",\"port\":8080,\"haystack_node\":\"host-a\"}",
                        "/skydns/local/highhock/hello/v1/<id>", "{\"host\":\"10.0.0.8\",\"port\":80,\"haystack_node\":\"host-a\"}"));
            } catch (EtcdException e) {
                return false;
            }
        }, () -> {
            try {
                return skydns();
            } catch (EtcdException e) {
                return e;
            }
        });
        local.put(List.of(httpd.toBuilder().health(Health.UNHEALTHY).build()));
        TwoNodesTest.await("an unhealthy endpoint leaves SkyDNS", Duration.ofSeconds(5), () -> sizeIs(1), () -> "");
        assertEquals(3, reader.range("/", "0").kvs().size(), "Haystack's own two keys and one SkyDNS key");

        // a restart under the same name finds its earlier SkyDNS keys and deletes those not wanted
        sync.abandon();
        local.remove(List.of(v1.id()));
        EtcdSync again = node(registry, publisher);
        TwoNodesTest.await("stale SkyDNS key deleted at once", Duration.ofSeconds(5), () -> sizeIs(0), () -> "");
        local.put(List.of(v1));
        TwoNodesTest.await("written again", Duration.ofSeconds(5), () -> sizeIs(1), () -> "");
        again.close();
        assertTrue(skydns().isEmpty(), "a clean stop revokes the lease: the SkyDNS keys go too");
    }

    private boolean sizeIs(int n) {
        try {
            return skydns().size() == n;
        } catch (EtcdException e) {
            return false;
        }
    }

    @Test
    void aDomainThatIsNotADnsNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SkyDnsLayout("high_hock.local"));
        assertEquals("/skydns/local/highhock/", new SkyDnsLayout("highhock.local.").rangeStart());
    }
}
