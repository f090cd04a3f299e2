package haystack.acme.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import haystack.api.tls.HttpChallenges;

/**
 * The HTTP-01 tokens of the order under way and their key authorizations. Asked by the load
 * balancer's HTTP listener on its own loops, so a lookup is one map read.
 */
final class PendingChallenges implements HttpChallenges {

    /** One order at a time, a handful of authorizations each; this bounds a bug, not use. */
    private static final int MAX_PENDING = 1000;

    private final Map<String, String> byToken = new ConcurrentHashMap<>();

    void put(String token, String keyAuthorization) {
        if (byToken.size() >= MAX_PENDING) {
            throw new IllegalStateException("more than " + MAX_PENDING + " challenges pending");
        }
        byToken.put(token, keyAuthorization);
    }

    void remove(String token) {
        byToken.remove(token);
    }

    int size() {
        return byToken.size();
    }

    @Override
    public Optional<String> keyAuthorization(String token) {
        return token == null ? Optional.empty() : Optional.ofNullable(byToken.get(token));
    }
}
