package haystack.lb.internal.tcp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import haystack.api.trace.TraceEvent;
import haystack.lb.internal.io.EventLoop;
import haystack.lb.internal.io.LoopConnection;
import haystack.lb.internal.routing.Attempt;
import haystack.lb.internal.routing.Backend;
import haystack.lb.internal.routing.Route;
import haystack.lb.internal.routing.ServicePool;

/**
 * One client connection relayed to one endpoint, on one event loop. The client is not
 * read until the endpoint's connection is open, so a connect that fails (refused, timed
 * out) is retried on another endpoint before any byte is relayed, and counts against the
 * endpoint; nothing the client does ever does. Each direction passes through the
 * buffer of the side it reads (a pooled direct buffer, so bytes are not copied through the
 * heap), which the side holds only while the other side has not taken all of it: a quiet
 * connection holds none, and a side is read only while its buffer has room, so a slow
 * reader stops the writer and memory stays at most two buffers per connection. An end of
 * stream is passed on as a shutdown of output once its buffer is written; the relay
 * closes when both directions have ended, or on an error (the other side then gets a
 * reset), or after the idle timeout.
 */
final class TcpRelay {

    private final EventLoop loop;
    private final TcpListener listener;
    private final TcpContext context;
    private final RelaySide client;
    private final InetSocketAddress remote;
    private final Attempt attempt = new Attempt();
    private RelaySide endpoint;
    private Backend backend;
    private boolean connected;
    private boolean closed;
    /** Connecting: when the connect times out. Relaying: the last time a byte moved. */
    private long since;

    TcpRelay(EventLoop loop, TcpListener listener, TcpContext context, SocketChannel channel) throws IOException {
        this.loop = loop;
        this.listener = listener;
        this.context = context;
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
        this.client = new RelaySide(this, loop, channel, 0);
        listener.counters.connections.increment();
        listener.counters.active.increment();
    }

    void start() {
        connect();
    }

    /** Connects to the next endpoint the service's strategy picks; gives up after the retries. */
    private void connect() {
        while (!closed) {
            Route route = listener.route();
            ServicePool pool = route.pool();
            Backend b = context.chooser.choose(route, pool, remote.getAddress(), attempt);
            if (b == null) {
                fail();
                return;
            }
            attempt.start(b, pool);
            if (context.tracer.isActive()) {
                context.tracer.trace(TraceEvent.ROUTE, "route tcp listener=" + listener.port + " client=" + remote.getAddress().getHostAddress()
                        + " service=" + route.service() + " strategy=" + context.chooser.strategyName(route)
                        + " container=" + b.endpoint().containerName() + " endpoint=" + b.authority() + " try=" + attempt.tries());
            }
            SocketChannel channel = null;
            try {
                // the endpoint's own family: a dual-stack socket costs a setsockopt(IPV6_V6ONLY)
                channel = SocketChannel.open(b.address().getAddress() instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                // On loopback or a local bridge the handshake is over before connect returns
                // (the kernel runs the endpoint's side in this thread): asking at once saves a
                // selector round (epoll_ctl, epoll_wait) per connection; when it is not over
                // (a remote host) asking cost one poll. A refusal seen here is retried like any.
                boolean done = channel.connect(b.address()) || channel.finishConnect();
                backend = b;
                endpoint = new RelaySide(this, loop, channel, done ? 0 : SelectionKey.OP_CONNECT);
                if (done) {
                    connected();
                } else {
                    since = loop.now + context.settings.connectTimeoutMs();
                }
                return;
            } catch (IOException | RuntimeException e) {
                if (channel != null) {
                    LoopConnection.closeQuietly(channel);
                }
                if (!connectFailed(b, "connect failed: " + e.getMessage(), false)) {
                    return;
                }
            }
        }
    }

    /** Counts the failure against {@code b}; true when another endpoint may be tried. */
    private boolean connectFailed(Backend b, String why, boolean timeout) {
        attempt.release();
        backend = null;
        context.chooser.failed(attempt, b, why, timeout);
        if (attempt.tries() > context.settings.retries()) {
            fail();
            return false;
        }
        return true;
    }

    private void retry(String why, boolean timeout) {
        RelaySide failed = endpoint;
        endpoint = null;
        failed.closeAndRelease();
        if (connectFailed(backend, why, timeout)) {
            connect();
        }
    }

    /**
     * The endpoint took the connection. What the client sent meanwhile is usually there
     * already: it is read and passed on now, before waiting on the selector for it.
     */
    private void connected() {
        connected = true;
        backend.succeeded();
        since = loop.now;
        try {
            read(client, endpoint);
        } catch (IOException e) {
            abort(e);
            return;
        }
        settle();
    }

    /** No endpoint took the connection: the client is closed without a byte. */
    private void fail() {
        listener.counters.failures.increment();
        abort(null);
    }

    void ready(RelaySide side, int ops) {
        if (closed) {
            return;
        }
        if (!connected) {
            if (side == endpoint && (ops & SelectionKey.OP_CONNECT) != 0) {
                try {
                    endpoint.channel.finishConnect();
                } catch (IOException e) {
                    retry("connect failed: " + e.getMessage(), false);
                    return;
                }
                connected();
            }
            return;
        }
        RelaySide other = side == client ? endpoint : client;
        try {
            if ((ops & SelectionKey.OP_WRITE) != 0) {
                flush(other, side);
                if (!other.pending() && !other.eof) {
                    // A full socket was the only thing holding the other side back (a bulk
                    // transfer to a slower reader): it has sent more meanwhile, so it is read
                    // now rather than after another selector round to learn so.
                    read(other, side);
                }
            }
            if ((ops & SelectionKey.OP_READ) != 0 && !closed) {
                read(side, other);
            }
        } catch (IOException e) {
            abort(e);
            return;
        }
        settle();
    }

    /** After bytes moved: closes the relay once both streams have ended and passed on, else waits for what each side can do next. */
    private void settle() {
        if (closed) {
            return;
        }
        if (client.eof && endpoint.eof && !client.pending() && !endpoint.pending()) {
            abort(null);
        } else {
            interests();
        }
    }

    /**
     * Reads what {@code from} sent and passes it on to {@code to}; again while a read fills
     * the buffer and the write empties it (a bulk transfer), a few times before the loop
     * serves other connections. A read that leaves room took all there was: reading again
     * would only cost a system call that finds nothing.
     */
    private void read(RelaySide from, RelaySide to) throws IOException {
        for (int i = 0; i < 4; i++) {
            if (from.buffer == null) {
                from.buffer = loop.directBuffer();
            }
            int room = from.buffer.remaining();
            int n = from.channel.read(from.buffer);
            if (n < 0) {
                from.eof = true;
            } else if (n > 0) {
                since = loop.now;
            }
            flush(from, to);
            if (n < room || from.pending() || from.eof) {
                return;
            }
        }
    }

    /**
     * Writes what {@code from} sent to {@code to}; once all of it is written after its end,
     * shuts {@code to}'s output ({@link #shutOutput}), unless {@code to}'s stream has ended
     * and passed on too: the relay is then done and closing both sends the end. A side's
     * buffer goes back to the loop as soon as it is empty.
     */
    private void flush(RelaySide from, RelaySide to) throws IOException {
        ByteBuffer b = from.buffer;
        if (b != null && b.position() > 0) {
            b.flip();
            int n = to.channel.write(b);
            b.compact();
            if (n > 0) {
                since = loop.now;
                (from == client ? listener.counters.bytesIn : listener.counters.bytesOut).add(n);
            }
        }
        if (b != null && b.position() == 0) {
            from.buffer = null;
            loop.release(b);
        }
        if (from.eof && from.buffer == null && !to.shut && !(to.eof && !to.pending())) {
            to.shut = true;
            loop.later(() -> shutOutput(to));
        }
    }

    /**
     * Passes an end of stream on, once the loop has served the other sockets that were
     * ready with it: when {@code to}'s own end was among them (a client that closes as soon
     * as it has the reply), the relay has closed meanwhile and the close alone sends the
     * end, without a shutdown(2).
     */
    private void shutOutput(RelaySide to) {
        if (closed) {
            return;
        }
        try {
            to.channel.shutdownOutput();
        } catch (IOException e) {
            abort(e);
        }
    }

    private void interests() {
        client.interestOps(ops(client, endpoint));
        endpoint.interestOps(ops(endpoint, client));
    }

    private static int ops(RelaySide side, RelaySide other) {
        return (!side.eof && !side.full() ? SelectionKey.OP_READ : 0) | (other.pending() ? SelectionKey.OP_WRITE : 0);
    }

    void tick(RelaySide side, long nowMs) {
        if (closed || side != client) {
            return;
        }
        if (!connected) {
            if (endpoint != null && nowMs >= since) {
                retry("connect timed out after " + context.settings.connectTimeoutMs() + " ms", true);
            }
            return;
        }
        if (nowMs - since >= context.settings.idleTimeoutMs()) {
            abort(null);
        }
    }

    /** Closes both sides (after an error, the other side with a reset so it learns the stream broke). */
    void abort(IOException error) {
        if (closed) {
            return;
        }
        closed = true;
        if (error != null) {
            reset(client);
            reset(endpoint);
        }
        client.closeAndRelease();
        if (endpoint != null) {
            endpoint.closeAndRelease();
        }
        attempt.release();
        listener.counters.active.decrement();
        context.limit.closed();
    }

    private static void reset(RelaySide side) {
        if (side != null && !side.isClosed()) {
            try {
                side.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException ignored) {
                // closed normally then
            }
        }
    }
}
