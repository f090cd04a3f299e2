package haystack.dns.internal.zones;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When each name of one tracked zone last got a different answer, so a cached response can
 * tell it still holds by comparing the clock it was made at with the names it was made
 * from, without looking them up again. A name's mark is set after its new answer is
 * visible, so a response made from the old answer is always older than the mark. Bounded:
 * when too many names are marked, every mark before is forgotten and every response made
 * before counts as changed.
 *
 * <p>Each zone owns its marks: a zone is one service that every DNS server of the JVM
 * reads, and whichever server's query moves its index first sets the marks, so they live
 * with the index, and another zone instance (another server's, a test's) never sees them.
 * The clock is one for all: a response made from names of several zones reads it once.
 */
public final class NameChanges {

    /** Names with a mark at most (a name gets one when it changes or a cached response is made from it). */
    static final int CAPACITY = 262_144;

    private static final AtomicLong CLOCK = new AtomicLong();

    /**
     * One name's mark: the clock when its answer last changed (0: not since the marks were
     * last forgotten). A cached response keeps the marks of its names and reads them at each
     * new snapshot without looking the names up: under churn, a hash lookup per name per
     * response per snapshot was half of the query threads' time.
     */
    public static final class Mark {
        private volatile long at;
    }

    private final Map<String, Mark> marks = new ConcurrentHashMap<>();
    /** Responses made before this clock value cannot be checked: the marks they need may be gone. */
    private volatile long floor;

    /** The clock now: read it before looking up what a response is made from. */
    public static long now() {
        return CLOCK.get();
    }

    /** {@code name}'s mark, made if it has none; keep it with what was made from the name. */
    public Mark mark(String name) {
        Mark m = marks.get(name);
        if (m != null) {
            return m;
        }
        if (marks.size() >= CAPACITY) {
            forgetAll();
        }
        return marks.computeIfAbsent(name, n -> new Mark());
    }

    /** Whether the answer of the name {@code mark} was made for is the same as at clock value {@code since}. */
    public boolean unchangedSince(Mark mark, long since) {
        // the floor is read after the mark: a reset that orphaned the mark has raised it already
        return mark.at <= since && since >= floor;
    }

    /** Whether {@code name}'s answer is the same as at clock value {@code since}. */
    public boolean unchangedSince(String name, long since) {
        Mark mark = marks.get(name);
        return (mark == null || mark.at <= since) && since >= floor;
    }

    /**
     * Marks {@code name} changed; called after its new answer is visible. Writers take turns
     * (readers never wait): a mark put while another writer forgets all would be cleared with
     * a clock above the floor, and an older response would pass as unchanged.
     */
    synchronized void changed(String name) {
        if (marks.size() >= CAPACITY) {
            forgetAll();
        }
        marks.computeIfAbsent(name, n -> new Mark()).at = CLOCK.incrementAndGet();
    }

    /**
     * Every name counts as changed (an index started over). The floor rises before the marks
     * go (a reader missing a mark then sees the new floor) and again after (a response whose
     * clock was read while they went may hold a mark no change will set again).
     */
    synchronized void forgetAll() {
        floor = CLOCK.incrementAndGet();
        marks.clear();
        floor = CLOCK.incrementAndGet();
    }
}
