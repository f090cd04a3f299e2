package haystack.lb.it;

import java.net.InetAddress;

import haystack.api.strategy.BalancingStrategy;
import haystack.api.strategy.Pool;

/** A third-party strategy for OsgiBundleIT: always the first endpoint. Packaged into a bundle by the test. */
public final class FirstEndpointStrategy implements BalancingStrategy {

    @Override
    public int select(Pool pool, InetAddress client) {
        return 0;
    }
}
