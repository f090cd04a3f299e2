package haystack.lb.internal.strategy;

import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;

import haystack.api.strategy.BalancingStrategy;
import haystack.api.strategy.HaystackStrategy;
import haystack.api.strategy.Pool;
import org.osgi.service.component.annotations.Component;

/** A uniformly random endpoint. */
@Component
@HaystackStrategy("random")
public final class RandomStrategy implements BalancingStrategy {

    @Override
    public int select(Pool pool, InetAddress client) {
        return ThreadLocalRandom.current().nextInt(pool.size());
    }
}
