package haystack.lb.internal.strategy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import haystack.api.Endpoint;
import haystack.api.strategy.Pool;

/** A pool of {@code n} endpoints with settable weights and requests in flight. */
final class FakePool implements Pool {

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final int[] active;
    private long sequence;

    FakePool(int... weights) {
        for (int i = 0; i < weights.length; i++) {
            endpoints.add(Endpoint.builder().service("svc").containerId("c" + i).containerName("svc-" + i)
                    .address(InetAddress.getLoopbackAddress()).port(8000 + i).portName("http").weight(weights[i]).build());
        }
        active = new int[weights.length];
    }

    static FakePool of(int size) {
        int[] w = new int[size];
        java.util.Arrays.fill(w, 1);
        return new FakePool(w);
    }

    /** The same endpoints minus the one at {@code index}. */
    FakePool without(int index) {
        FakePool p = new FakePool();
        p.endpoints.clear();
        for (int i = 0; i < endpoints.size(); i++) {
            if (i != index) {
                p.endpoints.add(endpoints.get(i));
            }
        }
        return new FakePool(p.endpoints);
    }

    private FakePool(List<Endpoint> list) {
        endpoints.addAll(list);
        active = new int[list.size()];
    }

    void active(int index, int requests) {
        active[index] = requests;
    }

    @Override
    public String service() {
        return "svc";
    }

    @Override
    public int size() {
        return endpoints.size();
    }

    @Override
    public Endpoint endpoint(int index) {
        return endpoints.get(index);
    }

    @Override
    public int activeRequests(int index) {
        return active[index];
    }

    @Override
    public long nextSequence() {
        return sequence++;
    }
}
