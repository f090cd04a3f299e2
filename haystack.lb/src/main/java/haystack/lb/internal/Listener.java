package haystack.lb.internal;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** One listening port: its name (http or http-alt), its routing table and its open-connection gauge. */
record Listener(String name, Supplier<RoutingTable> table, LongAdder connections) {
}
