package haystack.lb.internal.strategy;

import java.net.InetAddress;

import haystack.api.strategy.BalancingStrategy;
import haystack.api.strategy.HaystackStrategy;
import haystack.api.strategy.Pool;
import org.osgi.service.component.annotations.Component;

/**
 * The endpoint with the fewest requests in flight. The scan starts at a rotating offset
 * so ties (an idle service) are shared in turn rather than all sent to the first.
 */
@Component
@HaystackStrategy("least-requests")
public final class LeastRequestsStrategy implements BalancingStrategy {

    @Override
    public int select(Pool pool, InetAddress client) {
        int size = pool.size();
        int start = (int) Math.floorMod(pool.nextSequence(), (long) size);
        int best = start;
        int bestActive = pool.activeRequests(start);
        for (int k = 1; k < size && bestActive > 0; k++) {
            int i = (start + k) % size;
            int active = pool.activeRequests(i);
            if (active < bestActive) {
                best = i;
                bestActive = active;
            }
        }
        return best;
    }
}
