package haystack.etcd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import haystack.api.Endpoint;
import haystack.api.strategy.Pool;
import org.junit.jupiter.api.Test;

class LocalFirstStrategyTest {

    private static Pool pool(List<Endpoint> endpoints) {
        AtomicLong sequence = new AtomicLong();
        return new Pool() {
            @Override public String service() { return "web"; }
            @Override public int size() { return endpoints.size(); }
            @Override public Endpoint endpoint(int index) { return endpoints.get(index); }
            @Override public int activeRequests(int index) { return 0; }
            @Override public long nextSequence() { return sequence.getAndIncrement(); }
        };
    }

    private static Endpoint endpoint(int n, String source) throws Exception {
        return Endpoint.builder().service("web").containerId("c" + n).address(InetAddress.getByName("10.0.0." + n)).port(80).source(source).build();
    }

    private static Map<Integer, Integer> picks(Pool pool, int times) {
        Map<Integer, Integer> counts = new TreeMap<>();
        LocalFirstStrategy s = new LocalFirstStrategy();
        for (int i = 0; i < times; i++) {
            counts.merge(s.select(pool, null), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void localEndpointsTakeEverythingWhileThereAreAnyAndRemoteOnesOtherwise() throws Exception {
        Pool mixed = pool(List.of(endpoint(1, "etcd:host-a"), endpoint(2, "docker:local"), endpoint(3, "etcd:host-c"), endpoint(4, "file:x")));
        assertEquals(Map.of(1, 50, 3, 50), picks(mixed, 100), "round-robin over the two local endpoints (indexes 1 and 3)");
        Pool remote = pool(List.of(endpoint(1, "etcd:host-a"), endpoint(2, "etcd:host-b")));
        assertEquals(Map.of(0, 50, 1, 50), picks(remote, 100));
        Pool local = pool(List.of(endpoint(1, "docker:local"), endpoint(2, "docker:local"), endpoint(3, "docker:local")));
        assertEquals(Map.of(0, 30, 1, 30, 2, 30), picks(local, 90));
    }
}
