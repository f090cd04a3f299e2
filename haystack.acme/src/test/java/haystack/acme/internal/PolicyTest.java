package haystack.acme.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Backoff, the hourly order budget and which names can be ordered. */
class PolicyTest {

    @Test
    void backoffDoublesFromMinToMaxAndNeverOverflows() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertEquals(Duration.ofSeconds(1), b.after(1));
        assertEquals(Duration.ofSeconds(2), b.after(2));
        assertEquals(Duration.ofSeconds(32), b.after(6));
        assertEquals(Duration.ofSeconds(60), b.after(7));
        assertEquals(Duration.ofSeconds(60), b.after(Integer.MAX_VALUE));
        assertEquals(Duration.ofSeconds(1), b.after(0));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }

    @Test
    void theBudgetAllowsSoManyOrdersInAnyHour() {
        OrderBudget budget = new OrderBudget(3);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertTrue(budget.tryTake(t));
        assertTrue(budget.tryTake(t.plusSeconds(10)));
        assertTrue(budget.tryTake(t.plusSeconds(20)));
        assertFalse(budget.tryTake(t.plusSeconds(30)));
        assertEquals(t.plusSeconds(3600), budget.nextAllowed(t.plusSeconds(30)));
        assertFalse(budget.tryTake(t.plusSeconds(3599)));
        assertTrue(budget.tryTake(t.plusSeconds(3600)));
        assertFalse(budget.tryTake(t.plusSeconds(3601)));
        assertThrows(IllegalArgumentException.class, () -> new OrderBudget(0));
    }

    @Test
    void orderableNamesAreLdhLabels() {
        for (String ok : List.of("web.haystack", "web", "a-b.c1.example", "x".repeat(63) + ".haystack")) {
            assertTrue(HostNames.isOrderable(ok), ok);
        }
        for (String bad : List.of("", "*.haystack", "_srv.haystack", "-a.haystack", "a-.haystack", "a..haystack", "web.haystack.",
                "Web.haystack", "x".repeat(64) + ".haystack", "a/b", "10.0.0.1:80", "wéb.haystack")) {
            assertFalse(HostNames.isOrderable(bad), bad);
        }
        assertFalse(HostNames.isOrderable(null));
    }
}
