package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

/** A port that cannot be bound stops start-up with the port's number and the reason. */
class ListenerBindTest {

    @Test
    void aBusyPortFailsNamingThePort() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TestConfig config = new TestConfig();
            config.httpAltPort = busy.getLocalPort();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new LbFixture(config));
            assertTrue(e.getMessage().contains("http-alt port " + busy.getLocalPort()) && e.getMessage().contains("in use"), e.getMessage());
        }
    }
}
