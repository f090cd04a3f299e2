package haystack.lb.internal.proxy;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import haystack.lb.internal.routing.RoutingTable;

/** One listening port: its name (http or http-alt), its routing table and its open-connection gauge. */
public record Listener(String name, Supplier<RoutingTable> table, LongAdder connections) {
}
