package haystack.dns.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses to bind. On Linux an IPv6 wildcard socket also receives IPv4 (dual
 * stack), so binding both {@code 0.0.0.0} and {@code ::} to one port would collide: the
 * pair becomes {@code ::} alone, or {@code 0.0.0.0} alone on a host without IPv6.
 */
final class BindAddresses {

    private BindAddresses() {
    }

    static List<InetAddress> effective(List<InetAddress> configured) {
        boolean any4 = configured.stream().anyMatch(a -> a instanceof Inet4Address && a.isAnyLocalAddress());
        boolean any6 = configured.stream().anyMatch(a -> a instanceof Inet6Address && a.isAnyLocalAddress());
        if (!(any4 && any6)) {
            return configured;
        }
        List<InetAddress> out = new ArrayList<>();
        boolean ipv6 = ipv6Available();
        for (InetAddress a : configured) {
            boolean drop = a.isAnyLocalAddress() && (ipv6 ? a instanceof Inet4Address : a instanceof Inet6Address);
            if (!drop) {
                out.add(a);
            }
        }
        return out;
    }

    private static boolean ipv6Available() {
        try (DatagramChannel c = DatagramChannel.open(java.net.StandardProtocolFamily.INET6)) {
            return true;
        } catch (UnsupportedOperationException | java.io.IOException e) {
            return false;
        }
    }

}
