package haystack.itest.hotswap.strategy;

import java.net.InetAddress;

import haystack.api.strategy.BalancingStrategy;
import haystack.api.strategy.Pool;

/**
 * A third party's strategy, packaged by the test into a bundle that depends on
 * haystack.api alone: every request to the first endpoint, so a switch is unmistakable.
 */
public final class FirstStrategy implements BalancingStrategy {

    @Override
    public int select(Pool pool, InetAddress client) {
        return 0;
    }
}
