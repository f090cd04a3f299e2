package haystack.lb.internal.proxy;

/**
 * The answer for a host with no route while the registry is not ready (SPEC §4, §5):
 * the service may exist and not have been seen yet, so 503 with a short Retry-After
 * rather than a 404 that a client or a cache would believe.
 */
public final class StartingAnswer {

    public static final String REASON = "haystack is starting: not every discovery source has been read yet";
    public static final String RETRY_AFTER_SECONDS = "1";

    private StartingAnswer() {
    }
}
