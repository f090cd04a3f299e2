package haystack.acme.internal;

import java.time.Duration;

/** Exponential backoff after failed orders of one host: min, 2·min, 4·min … at most max. */
record Backoff(Duration min, Duration max) {

    Backoff {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max, was " + min + " and " + max);
        }
    }

    /** The wait after the {@code failures}-th failure in a row (1 or more). */
    Duration after(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, 40));
        Duration d = min;
        for (int i = 0; i < doublings && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }
}
