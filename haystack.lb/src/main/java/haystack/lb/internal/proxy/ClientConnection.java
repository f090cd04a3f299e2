package haystack.lb.internal.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import haystack.lb.internal.codec.HttpException;
import haystack.lb.internal.codec.RequestHead;
import haystack.lb.internal.io.IoBuffer;
import haystack.lb.internal.io.LoopConnection;
import haystack.lb.internal.tls.TlsSession;

/**
 * One client's connection: reads request heads, hands each request to an
 * {@link Exchange} in turn (pipelined requests wait in the buffer), answers garbage
 * itself and closes idle connections. A head must arrive whole within the head timeout
 * (from the connection, or from its first byte after a response; 408 when some of it
 * came); between requests the idle timeout applies. Its buffer is taken from the loop
 * only while there is something in it. On the HTTPS listener a {@link TlsSession} sits
 * between the socket and the buffer (the handshake must end within the head timeout);
 * the plain path only tests that it is null.
 */
final class ClientConnection extends LoopConnection {

    final LoopLocal local;
    final Listener listener;
    final ProxyContext context;
    private final InetSocketAddress remote;
    private byte[] remoteAddress;
    /** TLS on this connection, or null for plain HTTP. */
    private final TlsSession tls;
    private boolean rereadQueued;
    private Exchange exchange;
    /** The client has sent its last byte (it may still read). */
    private boolean eof;
    /** Close once {@link #pending} is written. */
    private boolean closing;
    private boolean processing;
    private ByteBuffer pending;
    private long deadline;
    /** Waiting with nothing of a request buffered: in the loop's {@link IdleClients}. */
    boolean idleMember;
    ClientConnection idlePrev;
    ClientConnection idleNext;

    ClientConnection(LoopLocal local, Listener listener, ProxyContext context, SocketChannel channel) throws IOException {
        super(local.loop, channel, SelectionKey.OP_READ);
        this.local = local;
        this.listener = listener;
        this.context = context;
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
        this.deadline = loop.now + context.headTimeoutMs;
        this.tls = listener.tls() == null ? null : listener.tls().open(channel, local.tlsBuffers, () -> loop.later(this::tlsTasksDone));
        listener.connections().increment();
        local.idleClients.add(this);
    }

    InetSocketAddress remote() {
        return remote;
    }

    /** The client's address as X-Forwarded-For names it, formatted once per connection. */
    byte[] remoteAddressBytes() {
        if (remoteAddress == null) {
            remoteAddress = remote.getAddress().getHostAddress().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        return remoteAddress;
    }

    /** The TLS engine's delegated tasks have run: the handshake goes on (on the loop). */
    private void tlsTasksDone() {
        if (isClosed()) {
            return;
        }
        tls.tasksDone();
        readable();
        if (!isClosed()) {
            updateInterest();
        }
    }

    /** Decrypted bytes wait that the buffer now has room for: read them without waiting for the socket. */
    private void reread() {
        rereadQueued = false;
        if (!isClosed() && tls.heldForRoom()) {
            readable();
            if (!isClosed()) {
                updateInterest();
            }
        }
    }

    @Override
    public void ready(SelectionKey k) {
        if (isClosed()) {
            return;
        }
        int ops = k.readyOps();
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            writable();
        }
        if ((ops & SelectionKey.OP_READ) != 0 && !isClosed()) {
            readable();
        }
        if (!isClosed()) {
            updateInterest();
        }
    }

    private void readable() {
        if (in == null) {
            in = loop.buffer();
        }
        boolean headStarts = exchange == null && in.isEmpty();
        int n;
        try {
            n = tls == null ? in.readFrom(channel) : tls.read(in);
        } catch (IOException e) {
            if (exchange != null) {
                exchange.clientGone();
            }
            close();
            return;
        }
        if (n < 0) {
            eof = true;
            if (exchange != null) {
                exchange.clientEnded();
            } else {
                closeAfterWrite();
            }
            return;
        }
        if (n == 0) {
            if (tls != null && exchange == null && in.isEmpty()) {
                loop.release(in); // a handshake, or a record not whole yet: no buffer held meanwhile
                in = null;
            }
            return;
        }
        local.idleClients.remove(this);
        if (headStarts) {
            deadline = loop.now + context.headTimeoutMs;
        }
        if (exchange != null) {
            exchange.clientData();
        } else {
            processRequests();
        }
    }

    private void writable() {
        if (tls != null) {
            try {
                if (!tls.flush()) {
                    return;
                }
            } catch (IOException e) {
                if (exchange != null) {
                    exchange.clientGone();
                }
                close();
                return;
            }
            if (tls.handshaking()) {
                readable();
                return;
            }
            if (closing && pending == null) {
                close();
                return;
            }
        }
        if (pending != null) {
            if (!flushPending()) {
                return;
            }
            if (closing) {
                finishClosing();
                return;
            }
        }
        if (exchange != null) {
            exchange.clientWritable();
        }
    }

    /** Starts the requests waiting in the buffer, one at a time. */
    void processRequests() {
        if (processing) {
            return;
        }
        processing = true;
        try {
            while (exchange == null && !closing && !isClosed() && in != null && !in.isEmpty()) {
                RequestHead head;
                try {
                    head = RequestHead.parse(in.a, in.start, in.end, context.maxHeadSize, local.requestFields);
                } catch (HttpException e) {
                    refuse(e.status(), e.getMessage());
                    return;
                }
                if (head == null) {
                    return;
                }
                exchange = new Exchange(this, head, System.nanoTime());
                exchange.start();
            }
            if (exchange == null && (in == null || in.isEmpty()) && !closing && !isClosed()) {
                releaseEmptyBuffer();
                local.idleClients.add(this);
            }
        } finally {
            processing = false;
        }
    }

    /** The exchange is over; the next request may start when {@code keepAlive}. */
    void exchangeDone(boolean keepAlive) {
        exchange = null;
        if (!keepAlive || eof) {
            closeAfterWrite();
            return;
        }
        deadline = loop.now + (in == null || in.isEmpty() ? context.idleTimeoutMs : context.headTimeoutMs);
        processRequests();
        if (!isClosed()) {
            updateInterest();
        }
    }

    /** Answers a request that cannot be read further and closes the connection. */
    private void refuse(int status, String reason) {
        send(ErrorPage.bytes(status, null, reason, false, true, false));
        closeAfterWrite();
    }

    /** Writes bytes the load balancer made itself (after anything still pending). */
    void send(byte[] bytes) {
        if (isClosed()) {
            return;
        }
        if (pending != null) {
            ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + bytes.length);
            joined.put(pending).put(bytes).flip();
            pending = joined;
            return;
        }
        pending = ByteBuffer.wrap(bytes);
        flushPending();
    }

    /** Bytes of {@code b} up to {@code upTo} sent to the client (encrypted on HTTPS): how many were taken. */
    int write(IoBuffer b, int upTo) throws IOException {
        return tls == null ? b.writeTo(channel, upTo) : tls.write(b, upTo);
    }

    /** True when nothing is left pending. */
    private boolean flushPending() {
        try {
            if (tls == null) {
                channel.write(pending);
            } else {
                tls.write(pending);
            }
        } catch (IOException e) {
            if (exchange != null) {
                exchange.clientGone();
            }
            close();
            return false;
        }
        if (pending.hasRemaining()) {
            return false;
        }
        pending = null;
        return true;
    }

    void closeAfterWrite() {
        closing = true;
        if (pending == null) {
            finishClosing();
        } else {
            updateInterest();
        }
    }

    /** Everything is written: on HTTPS close_notify goes out first (closed once it is sent). */
    private void finishClosing() {
        if (tls != null && !tls.handshaking()) {
            tls.closeOutbound();
            try {
                if (!tls.flush()) {
                    updateInterest();
                    return;
                }
            } catch (IOException e) {
                // closing anyway
            }
        }
        close();
    }

    /**
     * Gives the buffer back to the loop once everything in it has been passed on, also
     * while an exchange waits for its response: with many connections in flight a buffer
     * held empty per connection is most of the memory and the collector's work.
     */
    private void releaseEmptyBuffer() {
        if (in != null && in.isEmpty()) {
            loop.release(in);
            in = null;
        }
    }

    /** Sets the interest ops the state needs (the selector is only told of a change) and gives back an empty buffer. */
    void updateInterest() {
        if (isClosed()) {
            return;
        }
        if (!processing) {
            releaseEmptyBuffer();
        }
        boolean read = !eof && !closing && (in == null || !in.full()) && (exchange == null || exchange.wantsClientRead());
        boolean write = pending != null || (exchange != null && exchange.wantsClientWrite());
        if (tls != null) {
            write |= tls.hasOutput();
            read &= !tls.busy();
            if (read && tls.heldForRoom() && !rereadQueued) {
                rereadQueued = true;
                loop.later(this::reread);
            }
        }
        interestOps((read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0));
    }

    @Override
    public void tick(long nowMs) {
        if (exchange != null || nowMs < deadline || closing) {
            return;
        }
        if (in != null && !in.isEmpty()) {
            refuse(408, "the request head did not arrive within " + context.headTimeoutMs + " ms");
        } else {
            if (tls != null) {
                tls.timedOut();
            }
            close();
        }
    }

    /** Closed to make room for a new client at the connection limit. */
    void evict() {
        close();
    }

    @Override
    public void close() {
        if (!closeChannel()) {
            return;
        }
        local.idleClients.remove(this);
        if (exchange != null) {
            Exchange x = exchange;
            exchange = null;
            x.clientGone();
        }
        if (tls != null) {
            tls.release();
        }
        listener.connections().decrement();
        context.connectionClosed();
    }
}
