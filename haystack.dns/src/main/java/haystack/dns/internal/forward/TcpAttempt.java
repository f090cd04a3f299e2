package haystack.dns.internal.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import org.xbill.DNS.Header;

/**
 * One query over TCP (RFC 1035 §4.2.2, RFC 7766): a two-byte length before the message
 * both ways, read into a buffer of exactly that length (at most 65,535 bytes). A message
 * that does not match the query is discarded and the next one read, up to
 * {@link #MAX_MESSAGES}; the exchange's deadline bounds the whole attempt.
 */
final class TcpAttempt implements UpstreamExchange.Attempt {

    /** Messages read on one connection before it is given up. */
    static final int MAX_MESSAGES = 4;

    private final UpstreamExchange exchange;
    private final InetSocketAddress upstream;
    private final int id;
    private final SocketChannel channel;
    private final ByteBuffer out;
    private final ByteBuffer length = ByteBuffer.allocate(2);
    private ByteBuffer message;
    private int messages;

    TcpAttempt(UpstreamExchange exchange, InetSocketAddress upstream, int id, byte[] query) throws IOException {
        this.exchange = exchange;
        this.upstream = upstream;
        this.id = id;
        out = ByteBuffer.allocate(2 + query.length);
        out.putShort((short) query.length).put(query).flip();
        channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            boolean connected = channel.connect(upstream);
            channel.register(exchange.loop().selector(), connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, this);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public InetSocketAddress upstream() {
        return upstream;
    }

    @Override
    public void ready(SelectionKey key, long now) {
        try {
            if (key.isConnectable() && channel.finishConnect()) {
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if (key.isValid() && key.isWritable()) {
                channel.write(out);
                if (!out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isValid() && key.isReadable()) {
                read(now);
            }
        } catch (IOException e) {
            exchange.attemptFailed(this, e.toString(), now);
        }
    }

    private void read(long now) throws IOException {
        if (message == null) {
            if (channel.read(length) < 0) {
                exchange.attemptFailed(this, "closed by upstream", now);
                return;
            }
            if (length.hasRemaining()) {
                return;
            }
            int size = length.flip().getShort() & 0xFFFF;
            length.clear();
            if (size < Header.LENGTH) {
                exchange.discarded(this, ReplyCheck.Verdict.MALFORMED, null);
                exchange.attemptFailed(this, "message of " + size + " bytes", now);
                return;
            }
            message = ByteBuffer.allocate(size);
        }
        if (channel.read(message) < 0) {
            exchange.attemptFailed(this, "closed by upstream", now);
            return;
        }
        if (message.hasRemaining()) {
            return;
        }
        ReplyCheck.Outcome outcome = ReplyCheck.check(message.flip(), null, upstream, id, exchange.question());
        message = null;
        if (outcome.verdict() == ReplyCheck.Verdict.MATCH) {
            exchange.replied(this, outcome.reply(), now);
            return;
        }
        exchange.discarded(this, outcome.verdict(), null);
        if (++messages >= MAX_MESSAGES) {
            exchange.attemptFailed(this, "no matching reply in " + MAX_MESSAGES + " messages", now);
        }
    }

    @Override
    public void abort(RuntimeException e) {
        exchange.abort(e);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing is waiting on it any more
        }
    }
}
