package haystack.etcd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import haystack.api.Endpoint;
import haystack.api.discovery.EndpointSource;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import haystack.testing.EtcdServer;
import haystack.testing.RequiresEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-member etcd cluster on loopback ports, both nodes given all three: the member
 * they talk to is killed while host A's endpoints churn, and afterwards host B holds
 * exactly host A's endpoints and etcd exactly host A's keys: none lost, none stale.
 */
@RequiresEtcd
class ClusterTest {

    @TempDir
    Path dir;

    @Test
    void aMemberKilledUnderChurnLosesNothingAndLeavesNothingStale() throws Exception {
        List<EtcdServer> members = EtcdServer.cluster(dir, 3);
        String[] urls = members.stream().map(EtcdServer::url).toArray(String[]::new);
        RegistryImpl registryA = new RegistryImpl();
        RegistryImpl registryB = new RegistryImpl();
        DiscoveryPublisherImpl publisherA = new DiscoveryPublisherImpl(registryA);
        EndpointSource local = publisherA.open("docker:test");
        EtcdKeys keys = new EtcdKeys("/haystack");
        EtcdSync a = EtcdDiscovery.open(new EtcdClient(EtcdDiscovery.endpoints(urls), Duration.ofSeconds(3)), keys, "host-a", 5, registryA,
                publisherA);
        registryA.addListener(change -> a.registryChanged());
        EtcdSync b = EtcdDiscovery.open(new EtcdClient(EtcdDiscovery.endpoints(urls), Duration.ofSeconds(3)), keys, "host-b", 5, registryB,
                new DiscoveryPublisherImpl(registryB));
        try {
            List<Endpoint> live = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                Endpoint e = endpoint(i);
                local.put(List.of(e));
                live.add(e);
                if (i % 3 == 2) {
                    local.remove(List.of(live.remove(0).id()));
                }
                if (i == 100) {
                    members.get(0).kill(); // the member both nodes talk to first
                }
                Thread.sleep(10);
            }
            Set<String> expected = summaries(local.endpoints());
            TwoNodesTest.await("host-b exact after the churn", Duration.ofSeconds(20), () -> summaries(remote(registryB)).equals(expected),
                    () -> "missing " + minus(expected, summaries(remote(registryB))) + " stale " + minus(summaries(remote(registryB)), expected));
            EtcdClient reader = new EtcdClient(List.of(URI.create(urls[1] + "/"), URI.create(urls[2] + "/")), Duration.ofSeconds(3));
            TwoNodesTest.await("etcd holds exactly host-a's keys", Duration.ofSeconds(10),
                    () -> {
                        try {
                            return reader.range(keys.rangeStart(), keys.rangeEnd()).kvs().size() == expected.size();
                        } catch (EtcdException e) {
                            return false;
                        }
                    }, () -> "keys differ");
            assertEquals(expected.size(), 200);
        } finally {
            a.close();
            b.close();
            for (EtcdServer m : members) {
                m.close();
            }
        }
    }

    private static List<Endpoint> remote(RegistryImpl registry) {
        return registry.snapshot().endpoints().stream().filter(e -> e.source().startsWith("etcd:")).toList();
    }

    private static Set<String> summaries(List<Endpoint> endpoints) {
        return endpoints.stream().map(TwoNodesTest::summary).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static Endpoint endpoint(int n) throws Exception {
        return Endpoint.builder().service("churn").containerId("c" + n).containerName("churn-" + n)
                .address(InetAddress.getByName("127.0." + (n / 250) + "." + (n % 250 + 1))).port(30000 + n).portName("http").build();
    }
}
