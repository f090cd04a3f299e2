package haystack.config.internal;

import static haystack.config.internal.ValueType.ADDRESSES;
import static haystack.config.internal.ValueType.BOOLEAN;
import static haystack.config.internal.ValueType.CIDRS;
import static haystack.config.internal.ValueType.CONTAINER;
import static haystack.config.internal.ValueType.COUNT;
import static haystack.config.internal.ValueType.DNS_NAME;
import static haystack.config.internal.ValueType.DNS_NAMES;
import static haystack.config.internal.ValueType.DOCKER_HOSTS;
import static haystack.config.internal.ValueType.ETCD_ENDPOINTS;
import static haystack.config.internal.ValueType.HOST_PORTS;
import static haystack.config.internal.ValueType.KEY_PREFIX;
import static haystack.config.internal.ValueType.MILLIS;
import static haystack.config.internal.ValueType.NODE_NAME;
import static haystack.config.internal.ValueType.PEM;
import static haystack.config.internal.ValueType.PORT;
import static haystack.config.internal.ValueType.POSITIVE;
import static haystack.config.internal.ValueType.SECONDS;
import static haystack.config.internal.ValueType.TEXT;
import static haystack.config.internal.ValueType.THREADS;
import static haystack.config.internal.ValueType.USER;
import static haystack.config.internal.ValueType.UDP_SIZE;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import haystack.config.internal.Setting.Target;

/** Every environment variable of SPEC §7 and where it goes. The README lists the same. */
final class Settings {

    static final String DOCKER = "haystack.docker";
    static final String FILE = "haystack.file";
    static final String DNS = "haystack.dns";
    static final String LB = "haystack.lb";
    static final String SSH = "haystack.ssh";
    static final String WEB = "haystack.web";
    static final String TRACE = "haystack.trace";
    static final String ETCD = "haystack.etcd";
    static final String REGISTRY = "haystack.registry";
    static final String DOMAINS = "haystack.domains";
    static final String TLS = "haystack.tls";
    static final String ACME = "haystack.acme";

    static final List<Setting> ALL = List.of(
            new Setting("DOCKER_HOST", DOCKER_HOSTS, DOCKER, "hosts"),
            new Setting("DOCKER_TLS_VERIFY", BOOLEAN, DOCKER, "tls.verify"),
            new Setting("DOCKER_CERT_PATH", TEXT, DOCKER, "cert.path"),
            new Setting("DOCKER_CA", PEM, DOCKER, "tls.ca"),
            new Setting("DOCKER_CERT", PEM, DOCKER, "tls.cert"),
            new Setting("DOCKER_KEY", PEM, DOCKER, "tls.key"),
            new Setting("HAYSTACK_DOCKER_PUBLISHED", BOOLEAN, DOCKER, "published"),
            new Setting("HAYSTACK_SELF_CONTAINER", CONTAINER, DOCKER, "self.container"),
            new Setting("HAYSTACK_SERVICES_DIR", TEXT, FILE, "dir"),
            new Setting("HAYSTACK_SERVICES_MAX_BYTES", POSITIVE, FILE, "max.bytes"),
            new Setting("HAYSTACK_SERVICES_RESCAN_INTERVAL", MILLIS, FILE, "rescan.millis"),
            new Setting("HAYSTACK_ORIGIN", DNS_NAME, List.of(new Target(DNS, "origin"), new Target(LB, "origin"), new Target(WEB, "origin"))),
            new Setting("HAYSTACK_ADDRESS", ADDRESSES, List.of(new Target(DNS, "addresses"), new Target(DOCKER, "addresses"))),
            new Setting("HAYSTACK_DNS_PORT", PORT, DNS, "port"),
            new Setting("HAYSTACK_DNS_BIND", ADDRESSES, DNS, "bind"),
            new Setting("HAYSTACK_DNS_TTL", SECONDS, DNS, "ttl"),
            new Setting("HAYSTACK_DNS_ALLOW", CIDRS, DNS, "allow"),
            new Setting("HAYSTACK_DNS_WORKERS", POSITIVE, DNS, "workers"),
            new Setting("HAYSTACK_DNS_FORWARD_TIMEOUT", MILLIS, DNS, "forward.timeout"),
            new Setting("HAYSTACK_DNS_TCP_MAX_CONNECTIONS", POSITIVE, DNS, "tcp.max.connections"),
            new Setting("HAYSTACK_DNS_TCP_MAX_PER_CLIENT", COUNT, DNS, "tcp.max.per.client"),
            new Setting("HAYSTACK_DNS_TCP_IDLE_TIMEOUT", MILLIS, DNS, "tcp.idle.timeout"),
            new Setting("HAYSTACK_DNS_UDP_MAX", UDP_SIZE, DNS, "udp.max"),
            new Setting("HAYSTACK_DNS_RRL", COUNT, DNS, "rrl"),
            new Setting("HAYSTACK_DNS_RRL_SLIP", COUNT, DNS, "rrl.slip"),
            new Setting("DNS_NAMESERVERS", HOST_PORTS, DNS, "nameservers"),
            new Setting("HAYSTACK_DNS_DOMAINS", DNS_NAMES, List.of(new Target(DOMAINS, "domains"), new Target(LB, "domains"))),
            new Setting("HAYSTACK_HTTP_PORT", PORT, LB, "http.port"),
            new Setting("HAYSTACK_HTTP_ALT_PORT", PORT, LB, "http.alt.port"),
            new Setting("HAYSTACK_HTTPS_PORT", PORT, LB, "https.port"),
            new Setting("HAYSTACK_TLS_DIR", TEXT, TLS, "dir"),
            new Setting("HAYSTACK_HTTP_BIND", ADDRESSES, LB, "bind"),
            new Setting("HAYSTACK_ACCESS_LOG", BOOLEAN, LB, "access.log"),
            new Setting("HAYSTACK_LB_CONNECT_TIMEOUT", MILLIS, LB, "connect.timeout"),
            new Setting("HAYSTACK_LB_IDLE_TIMEOUT", MILLIS, LB, "idle.timeout"),
            new Setting("HAYSTACK_LB_HEAD_TIMEOUT", MILLIS, LB, "head.timeout"),
            new Setting("HAYSTACK_LB_MAX_CONNECTIONS", POSITIVE, LB, "max.connections"),
            new Setting("HAYSTACK_LB_MAX_HEADER_SIZE", POSITIVE, LB, "max.header.size"),
            new Setting("HAYSTACK_LB_PASSIVE_FAILURES", POSITIVE, LB, "passive.failures"),
            new Setting("HAYSTACK_LB_PASSIVE_PROBE_INTERVAL", MILLIS, LB, "passive.probe.interval"),
            new Setting("HAYSTACK_LB_RETRIES", COUNT, LB, "retries"),
            new Setting("HAYSTACK_LB_IO_THREADS", THREADS, LB, "io.threads"),
            new Setting("HAYSTACK_TCP_BIND", ADDRESSES, LB, "tcp.bind"),
            new Setting("HAYSTACK_TCP_IDLE_TIMEOUT", MILLIS, LB, "tcp.idle.timeout"),
            new Setting("HAYSTACK_SSH_PORT", PORT, SSH, "port"),
            new Setting("HAYSTACK_SSH_BIND", ADDRESSES, SSH, "bind"),
            new Setting("HAYSTACK_SSH_AUTHORIZED_KEYS", TEXT, SSH, "authorized.keys"),
            new Setting("HAYSTACK_SSH_AUTHORIZED_KEYS_FILE", TEXT, SSH, "authorized.keys.file"),
            new Setting("HAYSTACK_DATA", TEXT, List.of(new Target(SSH, "data"), new Target(TLS, "data"), new Target(ACME, "data"))),
            new Setting("HAYSTACK_ADMIN_PORT", PORT, WEB, "port"),
            new Setting("HAYSTACK_ADMIN_USER", USER, WEB, "user"),
            new Setting("HAYSTACK_ADMIN_PASSWORD", TEXT, WEB, "password"),
            new Setting("HAYSTACK_ADMIN_BIND", ADDRESSES, WEB, "bind"),
            new Setting("HAYSTACK_ADMIN_CHANGES_KEPT", POSITIVE, WEB, "changes.kept"),
            new Setting("HAYSTACK_TRACE", BOOLEAN, TRACE, "enabled"),
            new Setting("HAYSTACK_START_GRACE", SECONDS, REGISTRY, "start.grace"),
            new Setting("HAYSTACK_ETCD", ETCD_ENDPOINTS, ETCD, "endpoints"),
            new Setting("HAYSTACK_ETCD_PREFIX", KEY_PREFIX, ETCD, "prefix"),
            new Setting("HAYSTACK_ETCD_TTL", POSITIVE, ETCD, "ttl"),
            new Setting("HAYSTACK_NODE", NODE_NAME, ETCD, "node"),
            new Setting("HAYSTACK_ETCD_SKYDNS", DNS_NAME, ETCD, "skydns"),
            new Setting("HAYSTACK_ACME_DIRECTORY", TEXT, ACME, "directory"),
            new Setting("HAYSTACK_ACME_EMAIL", TEXT, ACME, "email"),
            new Setting("HAYSTACK_ACME_CA", TEXT, ACME, "ca"),
            new Setting("HAYSTACK_ACME_RENEW_BEFORE", SECONDS, ACME, "renew.before"),
            new Setting("HAYSTACK_ACME_ORDERS_PER_HOUR", POSITIVE, ACME, "orders.per.hour"),
            new Setting("HAYSTACK_ACME_RETRY_MIN", MILLIS, ACME, "retry.min"),
            new Setting("HAYSTACK_ACME_TIMEOUT", MILLIS, ACME, "timeout"));

    private Settings() {
    }

    /** Every PID a setting feeds: each gets a configuration, so REQUIRE components start once. */
    static Set<String> pids() {
        Set<String> pids = new TreeSet<>();
        ALL.forEach(s -> s.targets().forEach(t -> pids.add(t.pid())));
        return pids;
    }

    /** The setting that feeds {@code pid}'s {@code property}, if any (to type values read from files). */
    static Optional<Setting> forProperty(String pid, String property) {
        return ALL.stream().filter(s -> s.targets().contains(new Target(pid, property))).findFirst();
    }
}
