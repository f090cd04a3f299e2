package haystack.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which ids can be resumed from: this run's, inside the ring, bounded by count and by size. */
class EventRingTest {

    @Test
    void resumesInsideTheRingOnlyAndFromThisRunOnly() {
        EventRing ring = new EventRing(3, 1000);
        String run = Long.toString(1000, 36);
        assertEquals(run + "-0", ring.lastId());
        assertEquals(List.of(), ring.after(run + "-0"), "nothing yet, nothing missed");
        for (int i = 1; i <= 5; i++) {
            ring.append("change", "{\"n\":" + i + "}");
        }
        assertEquals(List.of(4L, 5L), ring.after(run + "-3").stream().map(EventRing.LiveEvent::seq).toList());
        assertEquals(List.of(3L, 4L, 5L), ring.after(run + "-2").stream().map(EventRing.LiveEvent::seq).toList());
        assertEquals(List.of(), ring.after(run + "-5"));
        assertNull(ring.after(run + "-1"), "event 2 is gone");
        assertNull(ring.after(run + "-6"), "from the future");
        assertNull(ring.after("other-3"), "another run");
        assertNull(ring.after(run + "-"));
        assertNull(ring.after(""));
        assertNull(ring.after(run + "--1"));
    }

    @Test
    void bigEventsAreKeptUpToTheSizeBound() {
        EventRing ring = new EventRing(1000, 0);
        String big = "x".repeat((int) (EventRing.MAX_CHARS / 4));
        for (int i = 0; i < 10; i++) {
            ring.append("change", big);
        }
        List<EventRing.LiveEvent> kept = ring.after("0-6");
        assertEquals(4, kept.size(), "four of a quarter of the bound each");
        assertNull(ring.after("0-5"));
    }
}
