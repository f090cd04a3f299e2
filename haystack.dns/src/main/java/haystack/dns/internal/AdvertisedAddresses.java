package haystack.dns.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Haystack's own addresses as put in A/AAAA records (SPEC §4, §7 HAYSTACK_ADDRESS): the
 * configured ones, else every non-loopback, non-link-local address of the host's
 * interfaces that are up.
 */
public final class AdvertisedAddresses {

    private AdvertisedAddresses() {
    }

    public static List<InetAddress> resolve(List<InetAddress> configured) {
        if (!configured.isEmpty()) {
            return List.copyOf(configured);
        }
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    boolean linkLocal = a.isLinkLocalAddress() || (a instanceof Inet6Address && a.isSiteLocalAddress());
                    if (!a.isLoopbackAddress() && !linkLocal && !a.isAnyLocalAddress()) {
                        out.add(withoutScope(a));
                    }
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list the host's network interfaces: " + e.getMessage(), e);
        }
        return List.copyOf(out);
    }

    private static InetAddress withoutScope(InetAddress a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
