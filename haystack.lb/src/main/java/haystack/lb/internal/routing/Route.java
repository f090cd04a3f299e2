package haystack.lb.internal.routing;

/**
 * Where requests for one service go: its qualified name, the strategy its endpoints ask
 * for (label {@code haystack.strategy}, or null) and the pool of backends taking traffic;
 * {@code httpsRedirect} when its plain HTTP requests are sent to HTTPS (label
 * {@code haystack.tls.redirect=true}).
 */
public record Route(String service, String strategy, ServicePool pool, int registered, boolean httpsRedirect) {

    /** The label asking for plain HTTP to be redirected to HTTPS (SPEC §5b). */
    public static final String HTTPS_REDIRECT_LABEL = "haystack.tls.redirect";

    public Route(String service, String strategy, ServicePool pool, int registered) {
        this(service, strategy, pool, registered, false);
    }

    /** Whether the service has endpoints but none of them may take a request now. */
    public boolean unavailable() {
        return pool.size() == 0;
    }
}
