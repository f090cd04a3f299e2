package haystack.lb.internal.routing;

/**
 * Where requests for one service go: its qualified name, the strategy its endpoints ask
 * for (label {@code haystack.strategy}, or null) and the pool of backends taking traffic.
 */
public record Route(String service, String strategy, ServicePool pool, int registered) {

    /** Whether the service has endpoints but none of them may take a request now. */
    public boolean unavailable() {
        return pool.size() == 0;
    }
}
