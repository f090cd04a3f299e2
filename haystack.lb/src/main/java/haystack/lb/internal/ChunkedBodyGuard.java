package haystack.lb.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.AbstractServerConnection;
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
        String problem = firstChunkProblem(exchange);
        if (problem != null) {
            exchange.setPersistent(false);
            ErrorPageHandler.fail(exchange, StatusCodes.BAD_REQUEST, "malformed chunked request body: " + problem);
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

    /** Longest chunk-size line judged; hex digits beyond 16 overflow a long anyway. */
    private static final int MAX_SIZE_LINE = 1024;

    /**
     * Checks the first chunk-size line (RFC 9112 §7.1: 1*HEXDIG [ chunk-ext ] CRLF) in the
     * bytes that arrived with the request head, without consuming them. Undertow's own
     * decoder reads a non-hex size as 0 and the rest as extensions, so it would pass
     * garbage on as an empty body. Null when the line is fine or has not arrived yet.
     */
    static String firstChunkProblem(HttpServerExchange exchange) {
        if (!(exchange.getConnection() instanceof AbstractServerConnection connection)) {
            return null;
        }
        PooledByteBuffer extra = connection.getExtraBytes();
        if (extra == null || !extra.isOpen()) {
            return null;
        }
        return sizeLineProblem(extra.getBuffer().duplicate());
    }

    static String sizeLineProblem(ByteBuffer bytes) {
        StringBuilder line = new StringBuilder();
        while (bytes.hasRemaining()) {
            char c = (char) (bytes.get() & 0xff);
            if (c == '\n') {
                return sizeProblem(line.toString());
            }
            if (line.length() >= MAX_SIZE_LINE) {
                return "chunk size line longer than " + MAX_SIZE_LINE + " bytes";
            }
            line.append(c);
        }
        return null;
    }

    private static String sizeProblem(String line) {
        String trimmed = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        int ext = trimmed.indexOf(';');
        String size = (ext >= 0 ? trimmed.substring(0, ext) : trimmed).stripTrailing();
        if (size.isEmpty() || size.length() > 16 || !size.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            String shown = size.length() > 40 ? size.substring(0, 40) + "..." : size;
            return "chunk size '" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "' is not 1 to 16 hexadecimal digits";
        }
        return null;
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
