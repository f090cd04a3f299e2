package haystack.lb.internal.proxy;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import haystack.lb.internal.routing.RoutingTable;
import haystack.lb.internal.tls.TlsEngines;

/**
 * One listening port: its name (http, http-alt or https), its routing table and its
 * open-connection gauge; {@code tls} when it terminates TLS, {@code edge} when it answers
 * ACME challenges and HTTPS redirects (the plain http port).
 */
public record Listener(String name, Supplier<RoutingTable> table, LongAdder connections, TlsEngines tls, HttpsEdge edge) {

    public Listener(String name, Supplier<RoutingTable> table, LongAdder connections) {
        this(name, table, connections, null, null);
    }
}
