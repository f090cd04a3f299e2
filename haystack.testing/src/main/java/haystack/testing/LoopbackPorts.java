package haystack.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free ports on loopback for servers a test starts (there is a race with other processes; small). */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    public static int freeTcp() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A port free for both UDP and TCP (a DNS server listens on both). */
    public static int freeUdpAndTcp() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                int candidate = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                    return candidate;
                } catch (IOException taken) {
                    // another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP");
    }
}
