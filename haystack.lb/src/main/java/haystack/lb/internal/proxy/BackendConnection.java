package haystack.lb.internal.proxy;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import haystack.lb.internal.io.EventLoop;
import haystack.lb.internal.io.IoBuffer;
import haystack.lb.internal.io.LoopConnection;
import haystack.lb.internal.routing.Backend;

/**
 * One connection to a backend, owned by one event loop: serving one {@link Exchange} at a
 * time, or parked idle in its backend's stack, watched so that a close by the backend
 * (or the idle timeout) removes it before a request could be sent on it.
 */
final class BackendConnection extends LoopConnection {

    private static final ByteBuffer DISCARD = ByteBuffer.allocate(512);

    final Backend backend;
    private final BackendConnections pool;
    private final long idleTimeoutMs;
    private boolean connected;
    /** Served a request before: a failure before any response byte may be a close racing the request. */
    private boolean reused;
    private Exchange exchange;
    long deadline;

    private BackendConnection(EventLoop loop, Backend backend, SocketChannel channel, boolean connected, long idleTimeoutMs) throws IOException {
        super(loop, channel, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
        this.backend = backend;
        this.pool = BackendConnections.of(backend);
        this.connected = connected;
        this.idleTimeoutMs = idleTimeoutMs;
    }

    /** Starts connecting to {@code backend} (it may complete at once on loopback). */
    static BackendConnection open(EventLoop loop, Backend backend, long idleTimeoutMs) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected = channel.connect(backend.address());
            return new BackendConnection(loop, backend, channel, connected, idleTimeoutMs);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    boolean connected() {
        return connected;
    }

    boolean reused() {
        return reused;
    }

    /** Serves {@code x} from now on. */
    void attach(Exchange x) {
        exchange = x;
    }

    /** The buffer the response is read into, taken from the loop when the connection holds none. */
    IoBuffer buffer() {
        if (in == null) {
            in = loop.buffer();
        }
        return in;
    }

    /** Gives the buffer back when everything in it has been passed on: taken again at the next read. */
    void releaseEmptyBuffer() {
        if (in != null && in.isEmpty()) {
            loop.release(in);
            in = null;
        }
    }

    /** The exchange is over and the connection can take another request. */
    void park() {
        exchange = null;
        reused = true;
        loop.release(in);
        in = null;
        if (!pool.park(loop, this)) {
            close();
            return;
        }
        deadline = loop.now + idleTimeoutMs;
        interest(true, false);
    }

    void interest(boolean read, boolean write) {
        interestOps(connected ? (read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0) : SelectionKey.OP_CONNECT);
    }

    @Override
    public void ready(SelectionKey k) {
        if (isClosed()) {
            return;
        }
        Exchange x = exchange;
        if (x == null) {
            idleEvent();
            return;
        }
        int ops = k.readyOps();
        if ((ops & SelectionKey.OP_CONNECT) != 0) {
            try {
                channel.finishConnect();
                connected = true;
            } catch (IOException e) {
                x.backendConnectFailed(this, "backend connection failed: " + e.getMessage(), false);
                return;
            }
            x.backendConnected(this);
            return;
        }
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            x.backendWritable(this);
        }
        if ((ops & SelectionKey.OP_READ) != 0 && exchange == x && !isClosed()) {
            x.backendReadable(this);
        }
    }

    /** A parked connection became readable: the backend closed it (or sent what nobody asked for). */
    private void idleEvent() {
        try {
            DISCARD.clear();
            channel.read(DISCARD);
        } catch (IOException ignored) {
            // closed below either way
        }
        pool.forget(loop, this);
        close();
    }

    @Override
    public void tick(long nowMs) {
        if (deadline == 0 || nowMs < deadline) {
            return;
        }
        if (exchange != null) {
            exchange.backendTimedOut(this);
        } else {
            pool.forget(loop, this);
            close();
        }
    }

    @Override
    public void close() {
        if (!closeChannel()) {
            return;
        }
        Exchange x = exchange;
        exchange = null;
        if (x != null) {
            x.backendClosedByLoop(this);
        }
    }

    /** Closes without telling the exchange (it is the one closing). */
    void discard() {
        exchange = null;
        close();
    }
}
