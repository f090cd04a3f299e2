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

    static final int CAPACITY = 65_536;

    private static final AtomicLong CLOCK = new AtomicLong();
    private final Map<String, Long> changed = new ConcurrentHashMap<>();
    /** Responses made before this clock value cannot be checked: the marks they need may be gone. */
    private volatile long floor;

    /** The clock now: read it before looking up what a response is made from. */
    public static long now() {
        return CLOCK.get();
    }

    /** Whether {@code name}'s answer is the same as at clock value {@code since}. */
    public boolean unchangedSince(String name, long since) {
        Long mark = changed.get(name);
        // the floor is read after the mark: a reset that dropped the mark has raised it already
        return (mark == null || mark <= since) && since >= floor;
    }

    /**
     * Marks {@code name} changed; called after its new answer is visible. Writers take turns
     * (readers never wait): a mark put while another writer forgets all would be cleared with
     * a clock above the floor, and an older response would pass as unchanged.
     */
    synchronized void changed(String name) {
        if (changed.size() >= CAPACITY) {
            forgetAll();
        }
        changed.put(name, CLOCK.incrementAndGet());
    }

    /** Every name counts as changed (an index started over). */
    synchronized void forgetAll() {
        floor = CLOCK.incrementAndGet();
        changed.clear();
    }
}
