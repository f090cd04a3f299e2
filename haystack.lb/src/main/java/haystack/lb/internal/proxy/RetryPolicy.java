package haystack.lb.internal.proxy;

/**
 * Whether a request that failed on one backend before the client saw a byte of an answer
 * goes to another (SPEC §5, RFC 9110 §9.2.2, RFC 9112 §9.3.1): at most {@code retries}
 * more tries, and only when the backend cannot have acted on it (nothing was sent), or
 * acting twice does no harm (an idempotent method) and the whole request is still in hand.
 * A kept-alive connection closed as the request went out is no exception: a backend that
 * crashed after reading a POST looks the same as one whose idle timeout fired, and a
 * proxy must not retry a request that is not idempotent. Where the retry goes (never back
 * to the endpoint that just failed) is the chooser's; what counts against an endpoint is
 * {@link Exchange}'s.
 */
final class RetryPolicy {

    private final int retries;

    RetryPolicy(int retries) {
        this.retries = retries;
    }

    /**
     * @param triesSoFar the backends tried, the failed one included
     * @param sent       bytes of the request left for the backend (false: the connection never opened)
     * @param replayable the whole request is still in hand to be sent again
     * @param idempotent the method is safe to repeat (RFC 9110 §9.2.2)
     */
    boolean allows(int triesSoFar, boolean sent, boolean replayable, boolean idempotent) {
        return triesSoFar <= retries && (!sent || (replayable && idempotent));
    }
}
