package haystack.lb.internal.strategy;

import java.net.InetAddress;

import haystack.api.strategy.BalancingStrategy;
import haystack.api.strategy.HaystackStrategy;
import haystack.api.strategy.Pool;
import org.osgi.service.component.annotations.Component;

/**
 * Endpoints in proportion to their weight (label {@code haystack.weight}): over every run
 * of total-weight requests each endpoint gets exactly its weight. Weight 0 takes no
 * requests unless every endpoint has weight 0, in which case all count as 1.
 */
@Component
@HaystackStrategy("weighted")
public final class WeightedStrategy implements BalancingStrategy {

    @Override
    public int select(Pool pool, InetAddress client) {
        int size = pool.size();
        long total = 0;
        for (int i = 0; i < size; i++) {
            total += pool.endpoint(i).weight();
        }
        long seq = pool.nextSequence();
        if (total == 0) {
            return (int) Math.floorMod(seq, (long) size);
        }
        long point = Math.floorMod(seq, total);
        for (int i = 0; i < size; i++) {
            point -= pool.endpoint(i).weight();
            if (point < 0) {
                return i;
            }
        }
        return size - 1;
    }
}
