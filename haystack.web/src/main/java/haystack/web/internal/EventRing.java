package haystack.web.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The dashboard's live events, numbered, the last {@code capacity} kept (and no more than
 * {@link #MAX_CHARS} of data: a change event may carry a thousand endpoints) so a client
 * that lost its stream resumes from the last id it saw. An id is {@code <run>-<seq>}: the run
 * (this server's start) tells an id from before a restart, which cannot be resumed.
 */
final class EventRing {

    /** One event as sent: its id, its SSE event name, its JSON data. */
    record LiveEvent(String id, long seq, String type, String data) {
    }

    /** Data kept at most, in characters, whatever the count. */
    static final long MAX_CHARS = 4L << 20;

    private final int capacity;
    private final String run;
    private long chars;
    private final Deque<LiveEvent> events = new ArrayDeque<>();
    private long seq;

    EventRing(int capacity, long startedMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("events kept is " + capacity + "; allowed: 1 or more");
        }
        this.capacity = capacity;
        this.run = Long.toString(startedMillis, 36);
    }

    synchronized LiveEvent append(String type, String data) {
        seq++;
        LiveEvent e = new LiveEvent(run + "-" + seq, seq, type, data);
        events.addLast(e);
        chars += data.length();
        while (events.size() > capacity || (chars > MAX_CHARS && events.size() > 1)) {
            chars -= events.removeFirst().data().length();
        }
        return e;
    }

    /** The id of the last event ({@code <run>-0} before the first). */
    synchronized String lastId() {
        return run + "-" + seq;
    }

    /**
     * The events after {@code lastEventId}, oldest first; null when they cannot all be given:
     * the id is from another run, malformed, in the future, or older than the ring keeps.
     */
    synchronized List<LiveEvent> after(String lastEventId) {
        int dash = lastEventId == null ? -1 : lastEventId.lastIndexOf('-');
        if (dash < 0 || !lastEventId.substring(0, dash).equals(run)) {
            return null;
        }
        long seen;
        try {
            seen = Long.parseLong(lastEventId.substring(dash + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        long oldest = events.isEmpty() ? seq + 1 : events.peekFirst().seq();
        if (seen < 0 || seen > seq || seen < oldest - 1) {
            return null;
        }
        List<LiveEvent> out = new ArrayList<>();
        for (LiveEvent e : events) {
            if (e.seq() > seen) {
                out.add(e);
            }
        }
        return out;
    }
}
