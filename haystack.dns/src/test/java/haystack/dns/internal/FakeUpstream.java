package haystack.dns.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A scripted upstream name server on one loopback port, UDP and TCP: every query it gets
 * goes to a script that answers, forges, answers late, or stays silent. What it received
 * is kept for the test to check (transport, source port, id).
 */
final class FakeUpstream implements AutoCloseable {

    /** What the upstream does with one query. */
    interface Script {
        void onQuery(Query query) throws Exception;
    }

    /** A script that answers every question with one A record, 10.0.0.1. */
    static final Script ANSWER = q -> q.reply(q.answer("10.0.0.1"));
    /** A script that never answers. */
    static final Script SILENT = q -> {
    };

    /** One query received, and the ways to answer it. */
    final class Query {
        final Message message;
        final boolean tcp;
        /** 1 for the first query this upstream got on this transport, 2 for the second... */
        final int n;
        final InetSocketAddress from;
        /** When it arrived, {@link System#nanoTime()}. */
        final long at = System.nanoTime();
        private final DataOutputStream tcpOut;

        Query(Message message, boolean tcp, int n, InetSocketAddress from, DataOutputStream tcpOut) {
            this.message = message;
            this.tcp = tcp;
            this.n = n;
            this.from = from;
            this.tcpOut = tcpOut;
        }

        /** A well-formed answer to this query: same id and question, QR, RA, {@code addresses} as A records. */
        Message answer(String... addresses) throws IOException {
            Message a = new Message(message.getHeader().getID());
            a.getHeader().setFlag(Flags.QR);
            a.getHeader().setFlag(Flags.RD);
            a.getHeader().setFlag(Flags.RA);
            a.addRecord(message.getQuestion(), Section.QUESTION);
            for (String address : addresses) {
                a.addRecord(new ARecord(message.getQuestion().getName(), DClass.IN, 60, InetAddress.getByName(address)),
                        Section.ANSWER);
            }
            return a;
        }

        void reply(Message m) throws IOException {
            replyRaw(m.toWire());
        }

        void replyRaw(byte[] wire) throws IOException {
            if (tcp) {
                synchronized (tcpOut) {
                    tcpOut.writeShort(wire.length);
                    tcpOut.write(wire);
                    tcpOut.flush();
                }
            } else {
                udp.send(new DatagramPacket(wire, wire.length, from));
            }
        }

        /** Sends {@code m} over UDP from another port of this host: a forgery by source. */
        void replyFromAnotherPort(Message m) throws IOException {
            byte[] wire = m.toWire();
            try (DatagramSocket other = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
                other.send(new DatagramPacket(wire, wire.length, from));
            }
        }

        /** Sends {@code m} after {@code millis}, from the upstream's own port. */
        void replyLater(long millis, Message m) {
            timer.schedule(() -> {
                try {
                    reply(m);
                } catch (IOException e) {
                    // the test sees the missing answer
                }
            }, millis, TimeUnit.MILLISECONDS);
        }
    }

    final List<Query> received = new CopyOnWriteArrayList<>();
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Script udpScript;
    private final Script tcpScript;
    private final AtomicInteger udpCount = new AtomicInteger();
    private final AtomicInteger tcpCount = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    FakeUpstream(Script udpScript) throws IOException {
        this(udpScript, ANSWER);
    }

    FakeUpstream(Script udpScript, Script tcpScript) throws IOException {
        this.udpScript = udpScript;
        this.tcpScript = tcpScript;
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        DatagramSocket u = null;
        ServerSocket t = null;
        for (int i = 0; i < 20 && t == null; i++) {
            u = new DatagramSocket(0, loopback);
            try {
                t = new ServerSocket(u.getLocalPort(), 50, loopback);
            } catch (IOException e) {
                u.close();
            }
        }
        if (t == null) {
            throw new IOException("no port free for UDP and TCP both");
        }
        udp = u;
        tcp = t;
        udp.setSoTimeout(100);
        tcp.setSoTimeout(100);
        start(this::serveUdp, "fake-upstream-udp");
        start(this::acceptTcp, "fake-upstream-tcp");
    }

    int port() {
        return udp.getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    /** The queries received for {@code name} (absolute, any case), in arrival order. */
    List<Query> queriesFor(String name) {
        return received.stream().filter(q -> q.message.getQuestion().getName().toString().equalsIgnoreCase(name)).toList();
    }

    int udpQueries() {
        return udpCount.get();
    }

    int tcpQueries() {
        return tcpCount.get();
    }

    private void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            try {
                Message m = new Message(Arrays.copyOf(p.getData(), p.getLength()));
                Query q = new Query(m, false, udpCount.incrementAndGet(), (InetSocketAddress) p.getSocketAddress(), null);
                received.add(q);
                udpScript.onQuery(q);
            } catch (Exception e) {
                // a script failure shows as a missing answer
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            start(() -> serveTcp(s), "fake-upstream-tcp-conn");
        }
    }

    private void serveTcp(Socket s) {
        try (s) {
            s.setSoTimeout(3000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            for (int i = 0; i < 10 && !closed; i++) {
                byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                Query q = new Query(new Message(wire), true, tcpCount.incrementAndGet(),
                        (InetSocketAddress) s.getRemoteSocketAddress(), out);
                received.add(q);
                tcpScript.onQuery(q);
            }
        } catch (Exception e) {
            // connection over
        }
    }

    /** A record from {@code "name ttl TYPE rdata"}, for scripts that inject extra data. */
    static Record record(String text) throws IOException {
        String[] w = text.trim().split("\\s+", 4);
        return Record.fromString(org.xbill.DNS.Name.fromString(w[0]), org.xbill.DNS.Type.value(w[2]), DClass.IN,
                Long.parseLong(w[1]), w[3], org.xbill.DNS.Name.root);
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // closing anyway
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
