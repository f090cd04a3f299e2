package haystack.dns.internal.forward;

/**
 * When a question is sent upstream: attempt {@code i} (0-based) goes to upstream
 * {@code i % n} at {@code i × interval}; earlier attempts stay open, so a late reply to
 * any of them is still taken. At least three attempts (one lost datagram is not a
 * failure) and at least one per upstream, spread evenly over the forward timeout, never
 * closer than {@link #MIN_INTERVAL_MILLIS}. An answer that is an error (SERVFAIL,
 * REFUSED...) or a send that fails moves on to the next attempt at once.
 */
record RetrySchedule(long timeoutNanos, long intervalNanos, int attempts) {

    static final long MIN_INTERVAL_MILLIS = 100;
    static final int MIN_ATTEMPTS = 3;

    static RetrySchedule of(long timeoutMillis, int upstreams) {
        long timeout = Math.max(1, timeoutMillis);
        int attempts = Math.max(MIN_ATTEMPTS, upstreams);
        attempts = (int) Math.max(1, Math.min(attempts, timeout / MIN_INTERVAL_MILLIS));
        return new RetrySchedule(timeout * 1_000_000L, timeout * 1_000_000L / attempts, attempts);
    }
}
