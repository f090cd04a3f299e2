package haystack.lb.internal.proxy;

/**
 * Whether a request that failed on one backend goes to another (SPEC §5). Never back to
 * an endpoint it has tried (the chooser skips those), at most {@code retries} more tries,
 * and only when the backend cannot have acted on it, or acting twice does no harm.
 */
final class RetryPolicy {

    private final int retries;

    RetryPolicy(int retries) {
        this.retries = retries;
    }

    /**
     * @param triesSoFar the backends tried, the failed one included
     * @param connecting the connection never opened: nothing was sent
     * @param replayable the whole request is still in hand to be sent again
     * @param closeRace  a kept-alive connection closed as the request went out, before any answer
     * @param idempotent the method is safe to repeat (RFC 9110 §9.2.2)
     */
    boolean allows(int triesSoFar, boolean connecting, boolean replayable, boolean closeRace, boolean idempotent) {
        return triesSoFar <= retries && (connecting || (replayable && (closeRace || idempotent)));
    }
}
