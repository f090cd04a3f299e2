package haystack.itest;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

/** Ports for a Haystack under test, so it never collides with one running here. */
public final class Ports {

    private Ports() {
    }

    public static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
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
