package haystack.lb.internal.tcp;

import java.nio.channels.ServerSocketChannel;
import java.util.List;

import haystack.lb.internal.routing.Route;

/**
 * One listening port of the TCP relay: the service that owns it and that service's route
 * there (replaced on every routing rebuild, read once per connection and per retry).
 */
final class TcpListener {

    final int port;
    /** One listening socket, or one per event loop (SO_REUSEPORT). */
    final List<ServerSocketChannel> servers;
    final ListenerCounters counters;
    private volatile Route route;

    TcpListener(int port, List<ServerSocketChannel> servers, Route route, ListenerCounters counters) {
        this.port = port;
        this.servers = servers;
        this.route = route;
        this.counters = counters;
    }

    Route route() {
        return route;
    }

    void route(Route next) {
        route = next;
        counters.service = next.service();
    }

    String service() {
        return route.service();
    }

    String name() {
        return "tcp:" + port;
    }
}
