package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which TCP connections may open and stay, decided on a clock the test drives. */
class TcpConnectionsTest {

    private static final long MS = 1_000_000L;
    private final ServerSocket server;
    private final List<Socket> sockets = new ArrayList<>();

    TcpConnectionsTest() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    }

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
    }

    /** The server side of a new loopback connection from {@code source}. */
    private Socket accepted(String source) throws IOException {
        Socket client = new Socket();
        client.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        client.connect(server.getLocalSocketAddress());
        Socket s = server.accept();
        sockets.add(client);
        sockets.add(s);
        return s;
    }

    @Test
    void aClientAtItsCapIsRefusedOthersAreNot() throws IOException {
        TcpConnections c = new TcpConnections(new ClientLimits(10, 2, 10_000, 1232, 0, 2));
        assertNotNull(c.admit(accepted("127.0.0.1"), 0).admitted());
        assertNotNull(c.admit(accepted("127.0.0.1"), 0).admitted());
        assertNull(c.admit(accepted("127.0.0.1"), 0).admitted());
        TcpConnections.Connection other = c.admit(accepted("127.0.0.2"), 0).admitted();
        assertNotNull(other);
        c.done(other);
        assertNotNull(c.admit(accepted("127.0.0.2"), 0).admitted());
        assertEquals(3, c.size());
    }

    @Test
    void atTheLimitTheConnectionLongestWithoutProgressMakesRoom() throws IOException {
        TcpConnections c = new TcpConnections(new ClientLimits(3, 0, 10_000, 1232, 0, 2));
        TcpConnections.Connection a = c.admit(accepted("127.0.0.1"), 0).admitted();
        TcpConnections.Connection b = c.admit(accepted("127.0.0.1"), 1 * MS).admitted();
        TcpConnections.Connection d = c.admit(accepted("127.0.0.1"), 2 * MS).admitted();
        a.progress(5 * MS);
        TcpConnections.Admission e = c.admit(accepted("127.0.0.2"), 6 * MS);
        assertNotNull(e.admitted());
        assertSame(b, e.evicted());
        assertTrue(b.socket.isClosed());
        assertEquals(3, c.size());
        assertTrue(!a.socket.isClosed() && !d.socket.isClosed());
    }

    @Test
    void idleTimeoutShrinksOnceMoreThanHalfAreInUse() throws IOException {
        TcpConnections c = new TcpConnections(new ClientLimits(4, 0, 10_000, 1232, 0, 2));
        c.admit(accepted("127.0.0.1"), 0);
        c.admit(accepted("127.0.0.1"), 0);
        assertEquals(0, c.closeIdle(5_000 * MS), "half in use: the configured 10 s");
        assertEquals(2, c.closeIdle(10_000 * MS));
        long t = 20_000 * MS;
        for (int i = 0; i < 3; i++) {
            c.admit(accepted("127.0.0.1"), t);
        }
        assertEquals(0, c.closeIdle(t + 500 * MS));
        assertEquals(3, c.closeIdle(t + TcpConnections.PRESSURE_IDLE_MILLIS * MS), "3 of 4 in use: 1 s");
        assertEquals(0, c.size());
    }
}
