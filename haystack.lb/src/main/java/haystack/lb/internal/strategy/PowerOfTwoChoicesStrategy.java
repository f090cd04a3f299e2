package haystack.lb.internal.strategy;

import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;

import haystack.api.strategy.BalancingStrategy;
import haystack.api.strategy.HaystackStrategy;
import haystack.api.strategy.Pool;
import org.osgi.service.component.annotations.Component;

/** Two distinct random endpoints, the one with fewer requests in flight wins (Mitzenmacher). */
@Component
@HaystackStrategy("power-of-two-choices")
public final class PowerOfTwoChoicesStrategy implements BalancingStrategy {

    @Override
    public int select(Pool pool, InetAddress client) {
        int size = pool.size();
        if (size == 1) {
            return 0;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int a = random.nextInt(size);
        int b = random.nextInt(size - 1);
        if (b >= a) {
            b++;
        }
        return pool.activeRequests(b) < pool.activeRequests(a) ? b : a;
    }
}
