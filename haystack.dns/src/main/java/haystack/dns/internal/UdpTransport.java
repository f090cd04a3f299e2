package haystack.dns.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP (RFC 1035 §4.2.1) on one address: a few worker threads, each blocked in
 * receive on its own socket where the kernel spreads datagrams over sockets sharing the
 * port (SO_REUSEPORT), else all on one socket. A worker answers owned names itself; a
 * forwarded answer is sent later from the forwarder's callback, the worker moves on.
 */
final class UdpTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    private static final int MAX_DATAGRAM = 65535;

    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final int port;
    private final ResponseRateLimiter limiter;
    private final ThrottledWarning limited = new ThrottledWarning(LOG, "dns udp responses rate-limited", 10_000);

    /**
     * Binds {@code address:port} (port 0: any free port) and starts {@code workers} threads;
     * {@code limiter} rate-limits responses (shared by every address of one server).
     */
    UdpTransport(InetAddress address, int port, int workers, QueryHandler handler, ResponseRateLimiter limiter)
            throws IOException {
        this.limiter = limiter;
        if (port != 0 && workers > 1) {
            // SO_REUSEPORT would let this server share a port another server (even another
            // Haystack) holds with the same option: a plain bind first fails if anyone has it.
            open(address, port, false).close();
        }
        DatagramChannel first = open(address, port, workers > 1);
        this.port = ((InetSocketAddress) first.getLocalAddress()).getPort();
        channels.add(first);
        boolean reusePort = workers > 1 && first.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        for (int i = 1; i < workers; i++) {
            DatagramChannel channel = reusePort ? openQuietly(address, this.port) : first;
            if (channel != first) {
                channels.add(channel);
            }
            start(channel, handler, i);
        }
        start(first, handler, 0);
        LOG.info("dns listening transport=udp address={} port={} workers={} reuseport={}",
                address.getHostAddress(), this.port, workers, reusePort);
    }

    int port() {
        return port;
    }

    private static DatagramChannel open(InetAddress address, int port, boolean reusePort) throws IOException {
        DatagramChannel channel = DatagramChannel.open(address instanceof java.net.Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        try {
            if (reusePort && channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.bind(new InetSocketAddress(address, port));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot bind DNS UDP port " + port + " on " + address.getHostAddress() + ": " + e.getMessage(), e);
        }
    }

    private DatagramChannel openQuietly(InetAddress address, int port) throws IOException {
        try {
            return open(address, port, true);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void start(DatagramChannel channel, QueryHandler handler, int n) {
        Thread t = new Thread(() -> serve(channel, handler), "haystack-dns-udp-" + port + "-" + n);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void serve(DatagramChannel channel, QueryHandler handler) {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        while (channel.isOpen()) {
            SocketAddress from;
            try {
                buffer.clear();
                from = channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("dns udp receive failed error={}", e.toString());
                continue;
            }
            buffer.flip();
            InetSocketAddress client = (InetSocketAddress) from;
            if (limiter.isOn() && !admitted(channel, buffer, client)) {
                continue;
            }
            try {
                handler.handle(buffer, client.getAddress(), false, response -> send(channel, response, client));
            } catch (RuntimeException e) {
                LOG.warn("dns udp query failed client={} error={}", client, e.toString());
            }
        }
    }

    /** Whether the query may be answered; a limited one is dropped or, when it slips, answered truncated. */
    private boolean admitted(DatagramChannel channel, ByteBuffer query, InetSocketAddress client) {
        // Packets that get no answer anyway (too short, responses) use no response's worth.
        if (query.remaining() < 12 || (query.get(query.position() + 2) & 0x80) != 0) {
            return true;
        }
        long now = System.nanoTime();
        ResponseRateLimiter.Verdict v = limiter.check(client.getAddress(), now);
        if (v == ResponseRateLimiter.Verdict.ANSWER) {
            return true;
        }
        limited.record("client=" + client.getAddress().getHostAddress() + " last=" + v.name().toLowerCase(Locale.ROOT), now);
        if (v == ResponseRateLimiter.Verdict.SLIP) {
            byte[] truncated = ResponseRateLimiter.slip(query);
            if (truncated != null) {
                send(channel, truncated, client);
            }
        }
        return false;
    }

    private static void send(DatagramChannel channel, byte[] response, InetSocketAddress client) {
        try {
            channel.send(ByteBuffer.wrap(response), client);
        } catch (IOException e) {
            LOG.debug("dns udp send failed client={} error={}", client, e.toString());
        }
    }

    @Override
    public void close() {
        limited.drain(System.nanoTime());
        for (DatagramChannel c : channels) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("dns udp close failed error={}", e.toString());
            }
        }
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
