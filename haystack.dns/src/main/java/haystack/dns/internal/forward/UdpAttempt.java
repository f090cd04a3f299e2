package haystack.dns.internal.forward;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;

/**
 * One query over UDP from its own unconnected socket, bound to a port the kernel picks at
 * random, so a forger must guess port and ID. Unconnected, so a datagram from anywhere
 * else is seen, counted and discarded rather than silently dropped by the kernel.
 */
final class UdpAttempt implements UpstreamExchange.Attempt {

    private final UpstreamExchange exchange;
    private final InetSocketAddress upstream;
    private final int id;
    private final DatagramChannel channel;

    UdpAttempt(UpstreamExchange exchange, InetSocketAddress upstream, int id, byte[] query) throws IOException {
        this.exchange = exchange;
        this.upstream = upstream;
        this.id = id;
        channel = DatagramChannel.open(upstream.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.configureBlocking(false);
            channel.bind(null);
            if (channel.send(ByteBuffer.wrap(query), upstream) == 0) {
                throw new IOException("socket send buffer full");
            }
            channel.register(exchange.loop().selector(), SelectionKey.OP_READ, this);
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
        ByteBuffer buffer = exchange.loop().datagram;
        for (int i = 0; i < ForwardLoop.READS_PER_WAKE && channel.isOpen(); i++) {
            InetSocketAddress from;
            try {
                buffer.clear();
                from = (InetSocketAddress) channel.receive(buffer);
            } catch (IOException e) {
                exchange.attemptFailed(this, e.toString(), now);
                return;
            }
            if (from == null) {
                return;
            }
            buffer.flip();
            ReplyCheck.Outcome outcome = ReplyCheck.check(buffer, from, upstream, id, exchange.question());
            if (outcome.verdict() == ReplyCheck.Verdict.MATCH) {
                exchange.replied(this, outcome.reply(), now);
                return;
            }
            exchange.discarded(this, outcome.verdict(), from);
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
