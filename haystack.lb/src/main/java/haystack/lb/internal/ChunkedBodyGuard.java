package haystack.lb.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSourceChannel;

/**
 * Reads the first bytes of a chunked request body before a backend is chosen, so broken
 * chunk framing at the start of a body is answered 400 here and never reaches a backend.
 * Reads only what has arrived (at most one buffer), then hands the bytes back to the
 * exchange: the rest of the body still streams.
 */
final class ChunkedBodyGuard implements HttpHandler {

    private final HttpHandler next;

    ChunkedBodyGuard(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isRequestComplete() || !exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING)
                || exchange.getRequestHeaders().contains(Headers.EXPECT)) {
            next.handleRequest(exchange);
            return;
        }
        StreamSourceChannel channel = exchange.getRequestChannel();
        PooledByteBuffer buffer = exchange.getConnection().getByteBufferPool().allocate();
        int outcome = readOnce(exchange, channel, buffer);
        if (outcome == WAIT) {
            channel.getReadSetter().set(c -> {
                int later = readOnce(exchange, c, buffer);
                if (later != WAIT) {
                    c.getReadSetter().set(null);
                    c.suspendReads();
                }
                if (later == READY) {
                    Connectors.executeRootHandler(next, exchange);
                }
            });
            channel.resumeReads();
        } else if (outcome == READY) {
            next.handleRequest(exchange);
        }
    }

    private static final int READY = 1;
    private static final int WAIT = 0;
    private static final int REFUSED = -1;

    /** READY when bytes (or the end) were read and given back, WAIT when none arrived yet, REFUSED when answered 400. */
    private static int readOnce(HttpServerExchange exchange, StreamSourceChannel channel, PooledByteBuffer buffer) {
        try {
            ByteBuffer b = buffer.getBuffer();
            int r = channel.read(b);
            if (r == 0) {
                return WAIT;
            }
            b.flip();
            if (b.hasRemaining()) {
                Connectors.ungetRequestBytes(exchange, buffer);
            } else {
                buffer.close();
            }
            Connectors.resetRequestChannel(exchange);
            return READY;
        } catch (IOException e) {
            IoUtils.safeClose(buffer);
            exchange.setPersistent(false);
            ErrorPageHandler.fail(exchange, StatusCodes.BAD_REQUEST, "malformed chunked request body: " + e.getMessage());
            return REFUSED;
        }
    }
}
