package haystack.dns.internal;

import org.slf4j.Logger;

/**
 * A WARN line for an event a hostile peer can repeat at will: the first one is logged at
 * once, later ones are counted and logged as one line per interval with their count, so
 * a flood cannot flood the log.
 */
public final class ThrottledWarning {

    private final Logger log;
    private final String event;
    private final long intervalNanos;
    private long count;
    private String lastDetail;
    private long lastLogged;
    private boolean logged;

    public ThrottledWarning(Logger log, String event, long intervalMillis) {
        this.log = log;
        this.event = event;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** Counts one event; {@code detail} (key=value pairs) describes the latest. */
    public synchronized void record(String detail, long nanos) {
        count++;
        lastDetail = detail;
        flush(nanos);
    }

    /** Logs what was counted if the interval since the last line has passed. */
    synchronized void flush(long nanos) {
        if (!logged || nanos - lastLogged >= intervalNanos) {
            drain(nanos);
        }
    }

    /** Logs what was counted now (at shutdown). */
    synchronized void drain(long nanos) {
        if (count > 0) {
            log.warn("{} count={} intervalSeconds={} {}", event, count, intervalNanos / 1_000_000_000L, lastDetail);
            count = 0;
            lastLogged = nanos;
            logged = true;
        }
    }
}
