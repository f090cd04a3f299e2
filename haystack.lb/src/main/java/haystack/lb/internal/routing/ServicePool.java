package haystack.lb.internal.routing;

import java.util.concurrent.atomic.AtomicLong;

import haystack.api.Endpoint;
import haystack.api.strategy.Pool;

/** The backends of one service that take traffic now, as strategies see them. Immutable list, live counters. */
public final class ServicePool implements Pool {

    private final String service;
    private final Backend[] backends;
    private final AtomicLong sequence;

    ServicePool(String service, Backend[] backends, AtomicLong sequence) {
        this.service = service;
        this.backends = backends;
        this.sequence = sequence;
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public int size() {
        return backends.length;
    }

    @Override
    public Endpoint endpoint(int index) {
        return backends[index].endpoint();
    }

    @Override
    public int activeRequests(int index) {
        return backends[index].active();
    }

    @Override
    public long nextSequence() {
        return sequence.getAndIncrement();
    }

    Backend backend(int index) {
        return backends[index];
    }
}
