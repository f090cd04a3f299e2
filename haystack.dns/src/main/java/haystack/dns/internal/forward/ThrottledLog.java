package haystack.dns.internal.forward;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * One WARN line per interval for an event a hostile or dead peer can repeat at will (a
 * forged reply, an unreachable upstream); the events in between go to DEBUG, and the next
 * WARN line says how many there were.
 */
final class ThrottledLog {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong last;
    private final AtomicLong suppressed = new AtomicLong();

    ThrottledLog(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.last = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    /** {@code format} in slf4j style, key=value pairs; {@code suppressed=N} is appended. */
    void warn(String format, Object... args) {
        long now = System.nanoTime();
        long l = last.get();
        if (now - l >= intervalNanos && last.compareAndSet(l, now)) {
            Object[] all = Arrays.copyOf(args, args.length + 1);
            all[args.length] = suppressed.getAndSet(0);
            log.warn(format + " suppressed={}", all);
        } else {
            suppressed.incrementAndGet();
            if (log.isDebugEnabled()) {
                log.debug(format, args);
            }
        }
    }
}
