package haystack.lb.internal;

/** Checks a {@link LbConfig} once at start, naming the setting, the value and what is allowed. */
final class LbSettings {

    private LbSettings() {
    }

    static void validate(LbConfig c) {
        port("http.port", c.http_port());
        port("http.alt.port", c.http_alt_port());
        if (c.http_port() != 0 && c.http_port() == c.http_alt_port()) {
            throw new IllegalArgumentException("http.port and http.alt.port are both " + c.http_port() + "; they must differ");
        }
        port("https.port", c.https_port());
        if (c.https_port() != 0 && (c.https_port() == c.http_port() || c.https_port() == c.http_alt_port())) {
            throw new IllegalArgumentException("https.port is " + c.https_port() + ", as http.port or http.alt.port; they must differ");
        }
        if (c.bind() == null || c.bind().isBlank()) {
            throw new IllegalArgumentException("bind is empty; allowed: an IPv4 or IPv6 address such as 0.0.0.0");
        }
        if (c.tcp_bind() == null || c.tcp_bind().isBlank()) {
            throw new IllegalArgumentException("tcp.bind is empty; allowed: an IPv4 or IPv6 address such as 0.0.0.0");
        }
        if (c.origin() == null || c.origin().isBlank()) {
            throw new IllegalArgumentException("origin is empty; allowed: a DNS name such as haystack");
        }
        positive("connect.timeout", c.connect_timeout());
        positive("idle.timeout", c.idle_timeout());
        positive("head.timeout", c.head_timeout());
        positive("tcp.idle.timeout", c.tcp_idle_timeout());
        positive("max.connections", c.max_connections());
        positive("passive.failures", c.passive_failures());
        positive("passive.probe.interval", c.passive_probe_interval());
        positive("max.header.size", c.max_header_size());
        if (c.io_threads() < 0 || c.io_threads() > 256) {
            throw new IllegalArgumentException("io.threads is " + c.io_threads() + "; allowed: 0 (half the cores) to 256");
        }
        if (c.retries() < 0) {
            throw new IllegalArgumentException("retries is " + c.retries() + "; allowed: 0 or more");
        }
    }

    private static void port(String name, int value) {
        if (value < 0 || value > 65535) {
            throw new IllegalArgumentException(name + " is " + value + "; allowed: 1-65535 (0 picks a free port)");
        }
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " is " + value + "; allowed: a positive number");
        }
    }
}
