package haystack.lb.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The HTTP listeners: one Undertow server per port on one shared XNIO worker, so a port
 * that cannot be bound is reported by its own number. Client-side limits (head size,
 * idle time, connection count) are set here; anything malformed is answered 400 by
 * Undertow's parser before any handler, so it never reaches a backend.
 */
final class ProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final XnioWorker worker;
    private final List<Undertow> servers = new ArrayList<>();

    ProxyServer(int ioThreads) throws IOException {
        Xnio xnio = Xnio.getInstance(Undertow.class.getClassLoader());
        worker = xnio.createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, ioThreads)
                .set(Options.WORKER_TASK_CORE_THREADS, 2)
                .set(Options.WORKER_TASK_MAX_THREADS, 4)
                .set(Options.TCP_NODELAY, true)
                .set(Options.WORKER_NAME, "haystack-lb")
                .getMap());
    }

    XnioWorker worker() {
        return worker;
    }

    /**
     * Binds {@code bind:port} and serves it with {@code handler}.
     *
     * @throws IllegalStateException naming the port and the reason when it cannot be bound
     */
    void listen(String name, String bind, int port, LbConfig config, HttpHandler handler) {
        Undertow server = Undertow.builder()
                .setWorker(worker)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, config.max_header_size())
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, config.idle_timeout())
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, config.idle_timeout())
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, config.idle_timeout())
                // Bodies stream through; their size is the backend's business.
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
                .setServerOption(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, false)
                .setSocketOption(Options.CONNECTION_HIGH_WATER, config.max_connections())
                .setSocketOption(Options.CONNECTION_LOW_WATER, config.max_connections())
                .setSocketOption(Options.BACKLOG, 1024)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                .addListener(new Undertow.ListenerBuilder().setType(Undertow.ListenerType.HTTP)
                        .setHost(bind).setPort(port).setRootHandler(handler))
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.error("cannot bind listener={} port={} bind={} reason={}", name, port, bind, cause.toString());
            throw new IllegalStateException("cannot bind " + name + " port " + port + " on " + bind + ": " + cause.getMessage(), e);
        }
        servers.add(server);
        LOG.info("listening listener={} port={} bind={}", name, boundPort(servers.size() - 1), bind);
    }

    /** The port actually bound by the listener started {@code index}-th (for port 0 in tests). */
    int boundPort(int index) {
        return ((java.net.InetSocketAddress) servers.get(index).getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() {
        servers.forEach(Undertow::stop);
        servers.clear();
        worker.shutdownNow();
    }
}
