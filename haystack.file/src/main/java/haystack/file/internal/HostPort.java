package haystack.file.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One endpoint of a service file: {@code 10.0.0.7:8080} or {@code [fd00::7]:8080}. Only
 * IP literals: the registry holds addresses (DNS answers and the balancer use them as
 * they are), and a host name resolved once would go stale without a word. Parsing never
 * touches DNS.
 */
record HostPort(InetAddress address, int port) {

    /** {@code address:port}, IPv6 in brackets: the canonical spelling used in names and logs. */
    @Override
    public String toString() {
        String host = address.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Parses {@code text}; the message of the exception says what is wrong, for the log line. */
    static HostPort parse(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not address:port ([v6]:port for IPv6)");
        }
        String host = t.substring(0, colon);
        InetAddress address;
        if (host.startsWith("[") && host.endsWith("]")) {
            address = ipv6(host.substring(1, host.length() - 1), text);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("'" + text + "' has an IPv6 address without brackets: write [v6]:port");
        } else {
            address = ipv4(host, text);
        }
        return new HostPort(address, port(t.substring(colon + 1), text));
    }

    private static int port(String digits, String text) {
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + text + "' has no port number 1-65535");
        }
        int port = Integer.parseInt(digits);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "' has port " + port + ", outside 1-65535");
        }
        return port;
    }

    private static InetAddress ipv4(String host, String text) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            throw notAnAddress(text);
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw notAnAddress(text);
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                throw notAnAddress(text);
            }
            bytes[i] = (byte) v;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw notAnAddress(text);
        }
    }

    private static InetAddress ipv6(String host, String text) {
        // Hex digits, colons and an embedded IPv4 tail only: with a colon in it the JDK
        // parses a literal and never looks the name up. Zone ids (%eth0) are refused.
        if (host.isEmpty() || host.length() > 45 || host.indexOf(':') < 0
                || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            throw notAnAddress(text);
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw notAnAddress(text);
        }
    }

    private static IllegalArgumentException notAnAddress(String text) {
        return new IllegalArgumentException("'" + text + "' is not an IP address and port (host names are not resolved: write the address)");
    }
}
