package haystack.etcd.internal;

import java.net.InetAddress;

import haystack.api.strategy.BalancingStrategy;
import haystack.api.strategy.HaystackStrategy;
import haystack.api.strategy.Pool;
import org.osgi.service.component.annotations.Component;

/**
 * {@code haystack.strategy=local-first} (seed 003's closing wish): round-robin over this
 * host's own endpoints while any may take traffic, over the other hosts' (learned from
 * etcd) only when none can. Without etcd every endpoint is local: plain round-robin.
 */
@Component
@HaystackStrategy(LocalFirstStrategy.NAME)
public final class LocalFirstStrategy implements BalancingStrategy {

    static final String NAME = "local-first";

    @Override
    public int select(Pool pool, InetAddress client) {
        int size = pool.size();
        int locals = 0;
        for (int i = 0; i < size; i++) {
            if (!RemoteEndpoints.isRemote(pool.endpoint(i).source())) {
                locals++;
            }
        }
        long sequence = pool.nextSequence();
        if (locals == 0 || locals == size) {
            return (int) Math.floorMod(sequence, (long) size);
        }
        int k = (int) Math.floorMod(sequence, (long) locals);
        for (int i = 0; i < size; i++) {
            if (!RemoteEndpoints.isRemote(pool.endpoint(i).source()) && k-- == 0) {
                return i;
            }
        }
        return 0; // not reached: k < locals
    }
}
