package haystack.lb.internal.tcp;

import java.util.concurrent.atomic.LongAdder;

/** The counters of one TCP listener port; they outlive the listener while its connections finish. */
final class ListenerCounters {

    volatile String service;
    final LongAdder connections = new LongAdder();
    final LongAdder active = new LongAdder();
    /** Bytes from clients to endpoints. */
    final LongAdder bytesIn = new LongAdder();
    /** Bytes from endpoints to clients. */
    final LongAdder bytesOut = new LongAdder();
    /** Connections closed without reaching an endpoint: none taking traffic, or every connect failed. */
    final LongAdder failures = new LongAdder();

    ListenerCounters(String service) {
        this.service = service;
    }
}
