package haystack.acme.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/** At most {@code perHour} orders in any hour (a sliding window), so no bug or flapping host can hammer the CA. */
final class OrderBudget {

    private static final Duration WINDOW = Duration.ofHours(1);

    private final int perHour;
    private final Deque<Instant> started = new ArrayDeque<>();

    OrderBudget(int perHour) {
        if (perHour < 1) {
            throw new IllegalArgumentException("orders per hour must be at least 1, was " + perHour);
        }
        this.perHour = perHour;
    }

    /** Takes one order from the budget at {@code now}, if one is left. */
    boolean tryTake(Instant now) {
        forget(now);
        if (started.size() >= perHour) {
            return false;
        }
        started.addLast(now);
        return true;
    }

    /** When the next order will be allowed (now if one is left). */
    Instant nextAllowed(Instant now) {
        forget(now);
        return started.size() < perHour ? now : started.peekFirst().plus(WINDOW);
    }

    int perHour() {
        return perHour;
    }

    private void forget(Instant now) {
        Instant horizon = now.minus(WINDOW);
        while (!started.isEmpty() && !started.peekFirst().isAfter(horizon)) {
            started.removeFirst();
        }
    }
}
