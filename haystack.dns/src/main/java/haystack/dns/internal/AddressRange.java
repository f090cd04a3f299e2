package haystack.dns.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * A CIDR block ({@code 10.0.0.0/8}, {@code fc00::/7}) that client addresses are matched
 * against. IPv4-mapped IPv6 clients ({@code ::ffff:10.1.2.3}) match IPv4 blocks.
 */
public record AddressRange(byte[] network, int prefix) {

    /** Loopback and private ranges: who may use Haystack as a recursive resolver by default. */
    public static final List<String> DEFAULT_ALLOW = List.of(
            "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
            "100.64.0.0/10", "169.254.0.0/16", "fc00::/7", "fe80::/10");

    /**
     * Parses {@code 10.0.0.0/8} or a bare address (a /32 or /128).
     *
     * @throws IllegalArgumentException naming the value when it is not a CIDR block
     */
    public static AddressRange parse(String cidr) {
        String text = cidr.trim();
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        if (!isAddressLiteral(host)) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 or IPv6 address block such as 10.0.0.0/8");
        }
        byte[] address;
        try {
            address = InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 or IPv6 address block such as 10.0.0.0/8");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + cidr + "' has a prefix length outside 0-" + bits);
            }
        }
        return new AddressRange(mask(address, prefix), prefix);
    }

    /** Whether {@code s} is an address literal: no name lookups for configuration. */
    static boolean isAddressLiteral(String s) {
        if (s.isEmpty()) {
            return false;
        }
        if (s.indexOf(':') >= 0) {
            return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code address} is in this block; an IPv4 client allocation-free (asked once per DNS query). */
    public boolean contains(InetAddress address) {
        if (address instanceof Inet4Address v4 && network.length == 4) {
            return containsV4(v4);
        }
        byte[] a = address.getAddress();
        int offset = 0;
        if (address instanceof Inet6Address && network.length == 4 && isV4Mapped(a)) {
            offset = 12;
        } else if (a.length != network.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (a[offset + i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff00 >> rest) & 0xff;
        return (a[offset + whole] & mask) == (network[whole] & mask);
    }

    /** Inet4Address's hash code is its address (so it has been since Java 1.0), which saves a copy of its bytes. */
    private boolean containsV4(Inet4Address address) {
        int net = (network[0] & 0xff) << 24 | (network[1] & 0xff) << 16 | (network[2] & 0xff) << 8 | network[3] & 0xff;
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (address.hashCode() & mask) == net;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xff00 >> keep));
        }
        return out;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
