package haystack.lb.internal.strategy;

import java.net.InetAddress;
import java.util.Arrays;

import haystack.api.strategy.BalancingStrategy;
import haystack.api.strategy.HaystackStrategy;
import haystack.api.strategy.Pool;
import org.osgi.service.component.annotations.Component;

/**
 * Sticky by client address with rendezvous (highest random weight) hashing: the client
 * goes to the endpoint whose hash with the client's address is highest, so adding or
 * removing an endpoint moves only the clients that must move.
 */
@Component
@HaystackStrategy("consistent-hash")
public final class ConsistentHashStrategy implements BalancingStrategy {

    @Override
    public int select(Pool pool, InetAddress client) {
        long clientHash = client == null ? 0 : mix(Arrays.hashCode(client.getAddress()));
        int best = 0;
        long bestScore = Long.MIN_VALUE;
        for (int i = 0; i < pool.size(); i++) {
            long score = mix(clientHash ^ mix(pool.endpoint(i).id().hashCode()));
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }

    /** SplitMix64's finaliser: spreads every input bit over the whole result. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
