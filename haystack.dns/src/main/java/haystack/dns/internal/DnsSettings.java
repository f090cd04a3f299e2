package haystack.dns.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import haystack.api.ServiceNames;

/**
 * The validated settings of PID {@code haystack.dns}. Every factory method throws
 * {@link IllegalArgumentException} naming the setting, the value and what is allowed.
 */
public record DnsSettings(int port, List<InetAddress> bind, String origin, long ttl,
        List<InetSocketAddress> nameservers, List<AddressRange> allow, List<InetAddress> addresses,
        int workers, long forwardTimeoutMillis, ClientLimits limits) {

    public DnsSettings {
        Objects.requireNonNull(limits, "limits");
        bind = List.copyOf(bind);
        nameservers = List.copyOf(nameservers);
        allow = List.copyOf(allow);
        addresses = List.copyOf(addresses);
    }

    /** Settings with the default {@link ClientLimits}. */
    public DnsSettings(int port, List<InetAddress> bind, String origin, long ttl, List<InetSocketAddress> nameservers,
            List<AddressRange> allow, List<InetAddress> addresses, int workers, long forwardTimeoutMillis) {
        this(port, bind, origin, ttl, nameservers, allow, addresses, workers, forwardTimeoutMillis, ClientLimits.DEFAULT);
    }

    public static DnsSettings from(DnsServer.Config c) {
        return new DnsSettings(port("port", c.port()), addresses("bind", c.bind()), origin(c.origin()),
                ttl(c.ttl()), nameservers(c.nameservers()), allow(c.allow()), addresses("addresses", c.addresses()),
                positive("workers", c.workers()), positive("forward.timeout", c.forward_timeout()), limits(c));
    }

    static ClientLimits limits(DnsServer.Config c) {
        return new ClientLimits(c.tcp_max_connections(), c.tcp_max_per_client(), c.tcp_idle_timeout(), c.udp_max(),
                c.rrl(), c.rrl_slip());
    }

    /** These settings with other client limits. */
    public DnsSettings withLimits(ClientLimits l) {
        return new DnsSettings(port, bind, origin, ttl, nameservers, allow, addresses, workers, forwardTimeoutMillis, l);
    }

    static int port(String setting, int port) {
        if (port < 0 || port > 65535) {
            throw bad(setting, port, "a port number 0-65535");
        }
        return port;
    }

    static int positive(String setting, int value) {
        if (value < 1) {
            throw bad(setting, value, "a positive number");
        }
        return value;
    }

    static long ttl(int ttl) {
        if (ttl < 0) {
            throw bad("ttl", ttl, "seconds, 0 or more");
        }
        return ttl;
    }

    /** The origin as lower-case labels without a trailing dot. */
    static String origin(String origin) {
        String o = origin == null ? "" : origin.trim().toLowerCase(Locale.ROOT);
        if (o.endsWith(".")) {
            o = o.substring(0, o.length() - 1);
        }
        boolean ok = !o.isEmpty();
        for (String label : o.split("\\.", -1)) {
            ok &= ServiceNames.isValidLabel(label);
        }
        if (!ok) {
            throw bad("origin", origin, "a domain name of letter-digit-hyphen labels such as haystack");
        }
        return o;
    }

    public static List<InetAddress> addresses(String setting, String[] values) {
        List<InetAddress> out = new ArrayList<>();
        for (String v : values == null ? new String[0] : values) {
            if (v.isBlank()) {
                continue;
            }
            out.add(literal(setting, v.trim()));
        }
        return out;
    }

    static List<InetSocketAddress> nameservers(String[] values) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String v : values == null ? new String[0] : values) {
            if (!v.isBlank()) {
                out.add(hostPort("nameservers", v.trim()));
            }
        }
        return out;
    }

    /** {@code 10.0.0.2}, {@code 10.0.0.2:5353}, {@code ::1}, {@code [::1]:5353}. */
    static InetSocketAddress hostPort(String setting, String v) {
        String host = v;
        int port = 53;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0) {
                throw bad(setting, v, "host[:port] with an IP address");
            }
            host = v.substring(1, close);
            String rest = v.substring(close + 1);
            if (!rest.isEmpty()) {
                port = parsePort(setting, v, rest.startsWith(":") ? rest.substring(1) : rest);
            }
        } else if (v.indexOf(':') == v.lastIndexOf(':') && v.indexOf(':') >= 0) {
            host = v.substring(0, v.indexOf(':'));
            port = parsePort(setting, v, v.substring(v.indexOf(':') + 1));
        }
        return new InetSocketAddress(literal(setting, host), port);
    }

    private static int parsePort(String setting, String whole, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(setting, whole, "host[:port] with a port 1-65535");
    }

    static List<AddressRange> allow(String[] values) {
        List<AddressRange> out = new ArrayList<>();
        for (String v : values == null ? new String[0] : values) {
            if (v.isBlank()) {
                continue;
            }
            try {
                out.add(AddressRange.parse(v));
            } catch (IllegalArgumentException e) {
                throw bad("allow", v, "CIDR blocks such as 10.0.0.0/8 or ::1/128");
            }
        }
        return out;
    }

    private static InetAddress literal(String setting, String v) {
        if (!AddressRange.isAddressLiteral(v)) {
            throw bad(setting, v, "an IPv4 or IPv6 address");
        }
        try {
            return InetAddress.getByName(v);
        } catch (UnknownHostException e) {
            throw bad(setting, v, "an IPv4 or IPv6 address");
        }
    }

    static IllegalArgumentException bad(String setting, Object value, String allowed) {
        return new IllegalArgumentException("haystack.dns: setting " + setting + "='" + value + "' is invalid, expected " + allowed);
    }
}
