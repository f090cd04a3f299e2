package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * DNS over TCP against a hostile client (RFC 7766, SPEC §4): one address holding more
 * connections than the server has, idle or trickling a message a byte at a time, does not
 * lock another client out; idle and trickling connections are closed; pipelining works.
 */
class TcpLimitsTest {

    private static final int HELD = 130;
    private static final int BYSTANDER_QUERIES = 15;

    private final List<Socket> held = new ArrayList<>();
    private DnsFixture dns;
    private Thread trickler;

    @AfterEach
    void stop() throws Exception {
        if (trickler != null) {
            trickler.interrupt();
            trickler.join(5000);
        }
        for (Socket s : held) {
            s.close();
        }
        dns.close();
    }

    @Test
    void aClientHoldingConnectionsIsCappedAndOthersAreServed() throws Exception {
        dns = new DnsFixture(ClientLimits.DEFAULT);
        dns.put(DnsFixture.endpoint("web", "web-1", "10.0.0.5", 80, "http"));
        holdConnections();
        assertEquals(BYSTANDER_QUERIES, bystanderAnswers());
    }

    @Test
    void whenConnectionsRunShortTheIdlestAreClosedToMakeRoom() throws Exception {
        // No per-client cap: only making room keeps the bystander in.
        dns = new DnsFixture(new ClientLimits(128, 0, 10_000, 1232, 0, 2));
        dns.put(DnsFixture.endpoint("web", "web-1", "10.0.0.5", 80, "http"));
        holdConnections();
        assertEquals(BYSTANDER_QUERIES, bystanderAnswers());
        assertTrue(closedByServer() >= HELD - 128, "held connections closed to make room");
    }

    @Test
    void idleAndTricklingConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        dns = new DnsFixture(new ClientLimits(128, 32, 500, 1232, 0, 2));
        try (Socket idle = connect("127.0.0.1"); Socket slow = connect("127.0.0.1")) {
            DataOutputStream out = new DataOutputStream(slow.getOutputStream());
            out.writeShort(40);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean slowClosed = false;
            // A byte every 100 ms never completes the message within the timeout.
            for (int i = 0; i < 39 && !slowClosed && System.nanoTime() < deadline; i++) {
                try {
                    out.write(0);
                    out.flush();
                } catch (IOException e) {
                    slowClosed = true;
                }
                Thread.sleep(100);
            }
            assertTrue(slowClosed || isClosed(slow, 5000), "trickling connection closed");
            assertTrue(isClosed(idle, 5000), "idle connection closed");
        }
    }

    @Test
    void pipelinedQueriesAreAllAnswered() throws Exception {
        dns = new DnsFixture(ClientLimits.DEFAULT);
        dns.put(DnsFixture.endpoint("web", "web-1", "10.0.0.5", 80, "http"));
        try (Socket s = connect("127.0.0.1")) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            DataOutputStream framed = new DataOutputStream(all);
            for (int id = 1; id <= 5; id++) {
                Message q = Message.newQuery(Record.newRecord(Name.fromString("web.services.haystack."), Type.A, DClass.IN));
                q.getHeader().setID(id);
                byte[] wire = q.toWire();
                framed.writeShort(wire.length);
                framed.write(wire);
            }
            s.getOutputStream().write(all.toByteArray());
            s.getOutputStream().flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                byte[] a = new byte[in.readUnsignedShort()];
                in.readFully(a);
                Message m = new Message(a);
                assertEquals(1, m.getSection(Section.ANSWER).size());
                ids.add(m.getHeader().getID());
            }
            assertEquals(List.of(1, 2, 3, 4, 5), ids.stream().sorted().toList());
        }
    }

    /** {@link #HELD} connections from 127.0.0.1: half idle, half trickling a message that never ends. */
    private void holdConnections() throws Exception {
        for (int i = 0; i < HELD; i++) {
            Socket s = connect("127.0.0.1");
            held.add(s);
            if (i % 2 == 1) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeShort(60);
                out.flush();
            }
        }
        trickler = new Thread(() -> {
            for (int round = 0; round < 600 && !Thread.currentThread().isInterrupted(); round++) {
                for (int i = 1; i < held.size(); i += 2) {
                    try {
                        held.get(i).getOutputStream().write(0);
                    } catch (IOException e) {
                        // closed by the server: what it may do
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "trickler");
        trickler.setDaemon(true);
        trickler.start();
        Thread.sleep(300);
    }

    /** Queries answered out of {@link #BYSTANDER_QUERIES}, each by {@code dig +tcp} from 127.0.0.2. */
    private int bystanderAnswers() throws Exception {
        int answered = 0;
        for (int i = 0; i < BYSTANDER_QUERIES; i++) {
            String out = dns.dig("-b", "127.0.0.2", "+tcp", "web.services.haystack", "A");
            if (out.contains("status: NOERROR") && out.contains("192.0.2.10")) {
                answered++;
            }
        }
        return answered;
    }

    private int closedByServer() throws Exception {
        int closed = 0;
        for (Socket s : held) {
            if (isClosed(s, 50)) {
                closed++;
            }
        }
        return closed;
    }

    private Socket connect(String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress("127.0.0.1", dns.port()), 3000);
        return s;
    }

    /** Whether the server closed {@code s}: a read ends (EOF or reset) within {@code millis}. */
    private static boolean isClosed(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        InputStream in = s.getInputStream();
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
