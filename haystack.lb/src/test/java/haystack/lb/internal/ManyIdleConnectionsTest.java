package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * 5,000 connections that never send a byte, more than the default limit of 4,096, do not
 * lock a real client out: it is served at once (issue 12: every other client waited 50 s).
 */
class ManyIdleConnectionsTest {

    @Test
    void fiveThousandIdleConnectionsThenAProbeIsServed() throws Exception {
        TestConfig config = new TestConfig();
        config.maxConnections = 4096;
        config.headTimeout = 10_000;
        List<SocketChannel> idle = new ArrayList<>();
        try (LbFixture lb = new LbFixture(config); TestBackends.Echo echo = new TestBackends.Echo()) {
            lb.put(LbFixture.endpoint("echo", "echo-1", echo.port()).build());
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), lb.lb.httpPort());
            for (int i = 0; i < 5000; i++) {
                idle.add(SocketChannel.open(address));
            }
            long start = System.nanoTime();
            try (SocketChannel probe = SocketChannel.open(address)) {
                probe.write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: echo.services.haystack\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1)));
                probe.socket().setSoTimeout(8000);
                byte[] head = probe.socket().getInputStream().readNBytes(15);
                assertEquals("HTTP/1.1 200 OK", new String(head, StandardCharsets.ISO_8859_1));
            }
            assertTrue(System.nanoTime() - start < 8_000_000_000L, "served before the head timeout could have freed anything");
        } finally {
            for (SocketChannel c : idle) {
                c.close();
            }
        }
    }
}
