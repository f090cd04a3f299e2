package haystack.config.internal;

import java.util.List;

/**
 * One environment variable: the configurations (PID and property) it sets and the type
 * of value it takes. One variable may feed several PIDs (HAYSTACK_ORIGIN is read by the
 * DNS server and the load balancer).
 */
record Setting(String variable, ValueType type, List<Target> targets) {

    record Target(String pid, String property) {
    }

    Setting(String variable, ValueType type, String pid, String property) {
        this(variable, type, List.of(new Target(pid, property)));
    }

    /** Parses {@code text}, or fails with the one line SPEC §7 asks for. */
    Object parse(String text) {
        try {
            return type.parse(text);
        } catch (RuntimeException e) {
            throw new ConfigurationError(variable, text, type.allowed());
        }
    }
}
