package haystack.lb.internal.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import haystack.lb.internal.io.IoBuffer;

/**
 * TLS between a client's socket and its HTTP connection, on the connection's event loop:
 * {@link #read} decrypts into the connection's buffer (driving the handshake as it goes),
 * {@link #write} encrypts what the connection sends. Encrypted bytes wait in buffers sized
 * from the session ({@code getPacketBufferSize}); plaintext that does not fit the
 * connection's buffer waits in a spill buffer of {@code getApplicationBufferSize}.
 * Delegated tasks (key exchange, signatures) run on {@link TlsEngines}' threads, never on
 * the loop; meanwhile the connection asks for no event. Every loop is bounded by the
 * bytes in hand. Not thread-safe: the loop's thread only, except {@link #tasksDone}'s
 * callback, which the engines hand back to the loop.
 */
public final class TlsSession {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int MAX_ROUNDS = 64;

    private final SSLEngine engine;
    private final SocketChannel channel;
    private final TlsEngines engines;
    private final Runnable resume;
    private final TlsBuffers buffers;
    private final int packetSize;
    /** Encrypted bytes read and not yet decrypted: write mode, data in [0, position); null while there are none. */
    private ByteBuffer netIn;
    /** Encrypted bytes to send: write mode, data in [0, position); null while there are none. */
    private ByteBuffer netOut;
    /** Decrypted bytes that did not fit the connection's buffer: read mode. */
    private ByteBuffer spill;
    private boolean handshaking = true;
    private boolean tasksRunning;
    /** The last read stopped for want of room, with decryptable bytes still held. */
    private boolean heldForRoom;
    private boolean inboundDone;
    private boolean outboundClosed;
    private boolean failed;

    TlsSession(SSLEngine engine, SocketChannel channel, TlsEngines engines, TlsBuffers buffers, Runnable resume) {
        this.engine = engine;
        this.channel = channel;
        this.engines = engines;
        this.buffers = buffers;
        this.resume = resume;
        this.packetSize = engine.getSession().getPacketBufferSize();
    }

    private ByteBuffer netIn() {
        if (netIn == null) {
            netIn = buffers.take(packetSize);
        }
        return netIn;
    }

    private ByteBuffer netOut() {
        if (netOut == null) {
            netOut = buffers.take(packetSize);
        }
        return netOut;
    }

    /** Gives back the buffers that hold nothing, once the handshake is over (it needs them again at once). */
    private void releaseEmpty() {
        if (handshaking) {
            return;
        }
        if (netIn != null && netIn.position() == 0) {
            buffers.give(netIn);
            netIn = null;
        }
        if (netOut != null && netOut.position() == 0) {
            buffers.give(netOut);
            netOut = null;
        }
        if (spill != null && !spill.hasRemaining()) {
            spill = null;
        }
    }

    /** The connection is closed: its buffers go back to the loop. */
    public void release() {
        if (netIn != null) {
            buffers.give(netIn);
            netIn = null;
        }
        if (netOut != null) {
            buffers.give(netOut);
            netOut = null;
        }
        spill = null;
    }

    public boolean handshaking() {
        return handshaking;
    }

    /** Delegated tasks are running: the connection waits for {@code resume}. */
    public boolean busy() {
        return tasksRunning;
    }

    public boolean hasOutput() {
        return netOut != null && netOut.position() > 0;
    }

    /** Bytes are held that a read could decrypt now that there is room. */
    public boolean heldForRoom() {
        return heldForRoom;
    }

    /**
     * Decrypts what there is into {@code in}, reading the socket at most once: plaintext
     * bytes added (0 while the handshake goes on or a record is incomplete), or -1 when
     * the client has ended (close_notify or end of stream) and nothing was added.
     *
     * @throws IOException when the socket fails or the client breaks TLS (an alert is sent first when possible)
     */
    public int read(IoBuffer in) throws IOException {
        int produced = 0;
        boolean socketRead = false;
        heldForRoom = false;
        netIn();
        try {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                if (spill != null && spill.hasRemaining()) {
                    produced += drainSpill(in);
                    if (spill.hasRemaining()) {
                        heldForRoom = true;
                        return produced;
                    }
                }
                if (tasksRunning) {
                    return produced;
                }
                HandshakeStatus hs = engine.getHandshakeStatus();
                if (hs == HandshakeStatus.NEED_TASK) {
                    startTasks();
                    return produced;
                }
                if (hs == HandshakeStatus.NEED_WRAP) {
                    if (!wrapHandshake()) {
                        return produced; // the socket takes no more now: writable resumes
                    }
                    continue;
                }
                if (inboundDone) {
                    return produced > 0 ? produced : -1;
                }
                if (netIn.position() > 0) {
                    SSLEngineResult r = unwrap(in);
                    produced += r.bytesProduced();
                    switch (r.getStatus()) {
                        case OK -> {
                            if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                                handshakeDone();
                            }
                            if (r.bytesConsumed() > 0 || r.bytesProduced() > 0 || r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
                                continue;
                            }
                        }
                        case BUFFER_OVERFLOW -> {
                            if (spill == null || !spill.hasRemaining()) {
                                unwrapIntoSpill();
                                continue;
                            }
                            heldForRoom = true;
                            return produced;
                        }
                        case BUFFER_UNDERFLOW -> {
                            if (!netIn.hasRemaining()) {
                                netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                            }
                        }
                        case CLOSED -> {
                            inboundDone = true; // close_notify: the client sends no more (it may still read)
                            continue;
                        }
                    }
                }
                if (socketRead) {
                    return produced;
                }
                socketRead = true;
                int n = channel.read(netIn);
                if (n < 0) {
                    inboundDone = true;
                    if (handshaking) {
                        engines.metrics.failed(TlsMetrics.CLIENT_CLOSED);
                        failed = true;
                    }
                    try {
                        engine.closeInbound();
                    } catch (SSLException truncated) {
                        // no close_notify first: the request is complete or it is not, HTTP framing decides
                    }
                    return produced > 0 ? produced : -1;
                }
                if (n == 0) {
                    return produced;
                }
            }
            return produced;
        } catch (SSLException e) {
            refuse(e);
            throw e;
        } finally {
            releaseEmpty();
        }
    }

    private SSLEngineResult unwrap(IoBuffer in) throws SSLException {
        netIn.flip();
        try {
            ByteBuffer dst = in.free();
            SSLEngineResult r = engine.unwrap(netIn, dst);
            in.filled();
            return r;
        } finally {
            netIn.compact();
        }
    }

    private void unwrapIntoSpill() throws SSLException {
        int size = engine.getSession().getApplicationBufferSize();
        if (spill == null || spill.capacity() < size) {
            spill = ByteBuffer.allocate(size);
        }
        spill.clear();
        netIn.flip();
        try {
            SSLEngineResult r = engine.unwrap(netIn, spill);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                inboundDone = true;
            } else if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                handshakeDone();
            }
        } finally {
            netIn.compact();
            spill.flip();
        }
    }

    private int drainSpill(IoBuffer in) {
        ByteBuffer dst = in.free();
        int n = Math.min(dst.remaining(), spill.remaining());
        if (n > 0) {
            int limit = spill.limit();
            spill.limit(spill.position() + n);
            dst.put(spill);
            spill.limit(limit);
            in.filled();
        }
        return n;
    }

    /** Produces what the handshake sends next; false when it waits for the socket to take earlier bytes. */
    private boolean wrapHandshake() throws IOException {
        for (int round = 0; round < MAX_ROUNDS && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; round++) {
            SSLEngineResult r = engine.wrap(EMPTY, netOut());
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                if (netOut.position() > 0) {
                    if (!flush()) {
                        return false;
                    }
                } else {
                    netOut = grow(netOut, engine.getSession().getPacketBufferSize());
                }
                continue;
            }
            if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                handshakeDone();
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                break;
            }
        }
        return flush() || engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP;
    }

    private void handshakeDone() {
        if (handshaking) {
            handshaking = false;
            engines.metrics.handshake(engine.getSession().getProtocol());
        }
    }

    private void startTasks() {
        List<Runnable> tasks = new ArrayList<>(2);
        for (Runnable t; tasks.size() < MAX_ROUNDS && (t = engine.getDelegatedTask()) != null; ) {
            tasks.add(t);
        }
        tasksRunning = true;
        engines.run(tasks, resume);
    }

    /** The delegated tasks have run (called on the loop, before the connection reads again). */
    public void tasksDone() {
        tasksRunning = false;
    }

    /**
     * Encrypts {@code src}'s bytes (advancing it) and sends them; returns the plaintext
     * bytes taken. Takes nothing while earlier encrypted bytes wait for the socket, so the
     * caller sees a short write and waits for writable, as with a plain socket.
     */
    public int write(ByteBuffer src) throws IOException {
        if (!flush()) {
            return 0;
        }
        int taken = 0;
        for (int round = 0; round < MAX_ROUNDS && src.hasRemaining(); round++) {
            SSLEngineResult r = engine.wrap(src, netOut());
            taken += r.bytesConsumed();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new IOException("TLS connection closed");
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && netOut.position() == 0) {
                netOut = grow(netOut, engine.getSession().getPacketBufferSize());
                continue;
            }
            if (!flush()) {
                break;
            }
        }
        return taken;
    }

    /** {@code in.a[start, upTo)} encrypted and sent: the plaintext bytes taken, which are consumed. */
    public int write(IoBuffer in, int upTo) throws IOException {
        ByteBuffer src = in.unread(upTo);
        int n = write(src);
        in.drained();
        return n;
    }

    /** Sends what waits; true when nothing is left. */
    public boolean flush() throws IOException {
        if (netOut == null || netOut.position() == 0) {
            return true;
        }
        netOut.flip();
        try {
            channel.write(netOut);
        } finally {
            netOut.compact();
        }
        if (netOut.position() > 0) {
            return false;
        }
        if (!handshaking) {
            buffers.give(netOut);
            netOut = null;
        }
        return true;
    }

    /** Queues close_notify (RFC 8446 §6.1) after everything sent so far; {@link #flush} sends it. */
    public void closeOutbound() {
        if (outboundClosed || failed) {
            return;
        }
        outboundClosed = true;
        engine.closeOutbound();
        try {
            for (int round = 0; round < 4 && !engine.isOutboundDone(); round++) {
                SSLEngineResult r = engine.wrap(EMPTY, netOut());
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && !flush()) {
                    return;
                }
            }
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** The handshake did not finish within the head timeout. */
    public void timedOut() {
        if (handshaking && !failed) {
            failed = true;
            engines.metrics.failed(TlsMetrics.TIMEOUT);
        }
    }

    /** A broken handshake or record: counted by reason, the alert the engine made sent once if the socket takes it. */
    private void refuse(SSLException e) {
        if (!failed) {
            failed = true;
            engines.metrics.failed(TlsMetrics.reason(e, handshaking));
        }
        outboundClosed = true;
        try {
            engine.closeOutbound();
            for (int round = 0; round < 4 && !engine.isOutboundDone(); round++) {
                SSLEngineResult r = engine.wrap(EMPTY, netOut());
                if (r.bytesProduced() == 0) {
                    break;
                }
            }
            flush();
        } catch (IOException | RuntimeException ignored) {
            // the connection closes either way
        }
    }

    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, b.capacity() * 2));
        b.flip();
        bigger.put(b);
        return bigger;
    }
}
