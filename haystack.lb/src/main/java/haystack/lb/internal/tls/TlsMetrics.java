package haystack.lb.internal.tls;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLException;

import haystack.api.metrics.MetricsWriter;
import haystack.api.metrics.MetricsWriter.Type;

/** Handshakes completed (by protocol) and failed (by reason) on the HTTPS listener. */
public final class TlsMetrics {

    static final String TIMEOUT = "timeout";
    static final String CLIENT_CLOSED = "client_closed";
    static final String NOT_TLS = "not_tls";
    static final String PROTOCOL_VERSION = "protocol_version";
    static final String NO_SHARED_CIPHER = "no_shared_cipher";
    static final String NO_APPLICATION_PROTOCOL = "no_application_protocol";
    static final String CLIENT_ALERT = "client_alert";
    static final String OTHER = "other";

    private final Map<String, LongAdder> handshakes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

    void handshake(String protocol) {
        handshakes.computeIfAbsent(protocol, p -> new LongAdder()).increment();
    }

    void failed(String reason) {
        failures.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Handshakes completed, every protocol (for tests). */
    public long handshakes() {
        return handshakes.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long failures(String reason) {
        LongAdder n = failures.get(reason);
        return n == null ? 0 : n.sum();
    }

    /** The reason a handshake or record failed, from the JDK's exception (its messages are the only detail it gives). */
    static String reason(SSLException e, boolean handshaking) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("unsupported or unrecognized ssl message") || m.contains("plaintext connection")) {
            return NOT_TLS;
        }
        if (m.contains("protocol") && (m.contains("version") || m.contains("not supported") || m.contains("disabled"))) {
            return PROTOCOL_VERSION;
        }
        if (m.contains("no cipher suites in common") || m.contains("no appropriate cipher")) {
            return NO_SHARED_CIPHER;
        }
        if (m.contains("application protocol")) {
            return NO_APPLICATION_PROTOCOL;
        }
        if (m.contains("received fatal alert") || m.contains("received close_notify")) {
            return CLIENT_ALERT;
        }
        return handshaking ? OTHER : "record";
    }

    public void collect(MetricsWriter w) {
        w.family("haystack_tls_handshakes_total", Type.COUNTER, "TLS handshakes completed on the HTTPS listener, by protocol");
        handshakes.forEach((p, n) -> w.sample("haystack_tls_handshakes_total", n.sum(), "protocol", p));
        w.family("haystack_tls_handshake_failures_total", Type.COUNTER, "TLS handshakes or records that failed, by reason");
        failures.forEach((r, n) -> w.sample("haystack_tls_handshake_failures_total", n.sum(), "reason", r));
    }
}
