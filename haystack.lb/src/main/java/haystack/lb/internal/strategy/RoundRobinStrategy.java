package haystack.lb.internal.strategy;

import java.net.InetAddress;

import haystack.api.strategy.BalancingStrategy;
import haystack.api.strategy.HaystackStrategy;
import haystack.api.strategy.Pool;
import org.osgi.service.component.annotations.Component;

/** Each endpoint in turn, from the service's shared sequence: exact cycles. */
@Component
@HaystackStrategy(BalancingStrategy.DEFAULT_NAME)
public final class RoundRobinStrategy implements BalancingStrategy {

    @Override
    public int select(Pool pool, InetAddress client) {
        return (int) Math.floorMod(pool.nextSequence(), (long) pool.size());
    }
}
