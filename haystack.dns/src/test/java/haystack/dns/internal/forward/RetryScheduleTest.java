package haystack.dns.internal.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Attempts spread over the forward timeout: at least three, at least one per upstream, never closer than 100 ms. */
class RetryScheduleTest {

    @Test
    void attemptsFitTheTimeout() {
        assertEquals(new RetrySchedule(3_000_000_000L, 1_000_000_000L, 3), RetrySchedule.of(3000, 1));
        assertEquals(new RetrySchedule(3_000_000_000L, 1_000_000_000L, 3), RetrySchedule.of(3000, 2));
        assertEquals(new RetrySchedule(3_000_000_000L, 600_000_000L, 5), RetrySchedule.of(3000, 5));
        assertEquals(new RetrySchedule(250_000_000L, 125_000_000L, 2), RetrySchedule.of(250, 4));
        assertEquals(new RetrySchedule(50_000_000L, 50_000_000L, 1), RetrySchedule.of(50, 1));
    }
}
