package haystack.example.first;

import java.net.InetAddress;

import haystack.api.strategy.BalancingStrategy;
import haystack.api.strategy.HaystackStrategy;
import haystack.api.strategy.Pool;
import org.osgi.service.component.annotations.Component;

/**
 * Active/standby: every request goes to the first endpoint of the pool, the others wait.
 * The pool holds only endpoints that may take traffic, in a stable order, so when the
 * first one fails its health check or is drained the next one takes over, and gets the
 * traffic back when it returns.
 *
 * <p>A strategy is one Declarative Services component providing {@link BalancingStrategy},
 * named by {@link HaystackStrategy}: {@code haystack:strategy <service> first} chooses it.
 */
@Component
@HaystackStrategy("first")
public final class FirstStrategy implements BalancingStrategy {

    /** Called for every request from many threads: no locks, no blocking. */
    @Override
    public int select(Pool pool, InetAddress client) {
        return 0;
    }
}
