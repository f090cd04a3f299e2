package haystack.itest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Ports for a Haystack under test, so it never collides with one running here. */
public final class Ports {

    private Ports() {
    }

    public static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * A free loopback port below Linux's ephemeral range (32768-60999), for a listener the
     * test names before Haystack binds it seconds later: a port from {@link #free()} is an
     * ephemeral one, which loopback connections of other processes (a benchmark beside the
     * tests) may hold as their local port by then, and the bind fails.
     */
    public static int freeBelowEphemeral() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate));
                return candidate;
            } catch (IOException taken) {
                // another
            }
        }
        throw new IOException("no free port in 20000-31999 after 200 tries");
    }

    /** Every listener on a free port, data and config under {@code dir}. */
    public static Map<String, String> allFree(Path dir) {
        return Map.of(
                "HAYSTACK_DNS_PORT", "0", "HAYSTACK_HTTP_PORT", "0", "HAYSTACK_HTTP_ALT_PORT", "0",
                "HAYSTACK_HTTPS_PORT", "0", "HAYSTACK_TLS_DIR", dir.resolve("tls").toString(),
                "HAYSTACK_SSH_PORT", "0", "HAYSTACK_ADMIN_PORT", "0",
                "HAYSTACK_DATA", dir.resolve("data").toString(), "HAYSTACK_CONFIG_DIR", dir.resolve("conf").toString());
    }
}
