package haystack.dns.internal.forward;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where names Haystack does not own are sent: the configured name servers, else the
 * {@code nameserver} lines of resolv.conf; never Haystack itself (an address of this host
 * at the port it listens on), which would loop every query until it times out.
 */
public final class Upstreams {

    private static final Logger LOG = LoggerFactory.getLogger(Upstreams.class);

    private Upstreams() {
    }

    /** The upstreams to use, given the configured ones and what this server listens on. */
    public static List<InetSocketAddress> choose(List<InetSocketAddress> configured, Path resolvConf,
            List<InetAddress> bind, int port) {
        List<InetSocketAddress> candidates = configured.isEmpty() ? fromResolvConf(resolvConf) : configured;
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress upstream : candidates) {
            if (isSelf(upstream, bind, port)) {
                LOG.warn("dns upstream skipped, it is this server upstream={}", upstream);
            } else {
                out.add(upstream);
            }
        }
        return List.copyOf(out);
    }

    static List<InetSocketAddress> fromResolvConf(Path file) {
        List<InetSocketAddress> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            LOG.warn("cannot read resolver configuration file={} error={}", file, e.toString());
            return out;
        }
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver")) {
                String host = words[1];
                int scope = host.indexOf('%');
                try {
                    out.add(new InetSocketAddress(InetAddress.getByName(scope < 0 ? host : host.substring(0, scope)), 53));
                } catch (UnknownHostException e) {
                    LOG.warn("resolver configuration has a bad name server file={} value={}", file, host);
                }
            }
        }
        return out;
    }

    static boolean isSelf(InetSocketAddress upstream, List<InetAddress> bind, int port) {
        if (upstream.getPort() != port) {
            return false;
        }
        InetAddress a = upstream.getAddress();
        for (InetAddress b : bind) {
            if (b.equals(a)) {
                return true;
            }
            if (b.isAnyLocalAddress() && isLocal(a)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLocal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
