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
        Worker worker = new Worker(channel, handler);
        Thread t = new Thread(worker, "haystack-dns-udp-" + port + "-" + n);
        t.setDaemon(true);
        worker.thread = t;
        threads.add(t);
        t.start();
    }

    /**
     * One receiving thread with its own buffers, both direct, so the JDK copies neither
     * through a temporary buffer of its own, and its own cache probe: answering a cached
     * query allocates no response and looks up no thread-local.
     */
    private final class Worker implements Runnable {
        final DatagramChannel channel;
        final QueryHandler handler;
        final ByteBuffer in = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        final ByteBuffer out = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        final AnswerCache.Key probe = AnswerCache.probe();
        Thread thread;

        Worker(DatagramChannel channel, QueryHandler handler) {
            this.channel = channel;
            this.handler = handler;
        }

        @Override
        public void run() {
            while (channel.isOpen()) {
                SocketAddress from;
                try {
                    in.clear();
                    from = channel.receive(in);
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    LOG.warn("dns udp receive failed error={}", e.toString());
                    continue;
                }
                in.flip();
                InetSocketAddress client = (InetSocketAddress) from;
                if (limiter.isOn() && !admitted(channel, in, client)) {
                    continue;
                }
                try {
                    handler.handle(in, client.getAddress(), false, probe, new ClientReply(this, client));
                } catch (RuntimeException e) {
                    LOG.warn("dns udp query failed client={} error={}", client, e.toString());
                }
            }
        }

        /** Sends {@code response} with the id given, or its own when {@code shared} is false, from this worker's buffer. */
        void send(byte[] response, boolean shared, byte id0, byte id1, InetSocketAddress client) {
            out.clear();
            out.put(response);
            if (shared) {
                out.put(0, id0);
                out.put(1, id1);
            }
            out.flip();
            try {
                channel.send(out, client);
            } catch (IOException e) {
                LOG.debug("dns udp send failed client={} error={}", client, e.toString());
            }
        }
    }

    /**
     * The answer to one client's query: from the worker's own buffer when the worker answers
     * it, else (a forwarded answer, on the forwarder's thread) from the response itself.
     */
    private static final class ClientReply implements Reply {
        private final Worker worker;
        private final InetSocketAddress client;

        ClientReply(Worker worker, InetSocketAddress client) {
            this.worker = worker;
            this.client = client;
        }

        @Override
        public void send(byte[] response) {
            if (Thread.currentThread() == worker.thread) {
                worker.send(response, false, (byte) 0, (byte) 0, client);
            } else {
                UdpTransport.send(worker.channel, response, client);
            }
        }

        @Override
        public void sendShared(byte[] shared, byte id0, byte id1) {
            if (Thread.currentThread() == worker.thread) {
                worker.send(shared, true, id0, id1, client);
            } else {
                Reply.super.sendShared(shared, id0, id1);
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
