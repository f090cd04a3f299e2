package haystack.ssh.internal.commands;

import org.apache.felix.service.command.CommandSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's audit trail: every state-changing action typed in the console, one line
 * in Haystack's own log naming the action, its object, the SSH user and the fingerprint
 * of the key that logged in ({@code SHA256:...}, as {@code ssh-keygen -lf} prints it).
 */
public final class Audit {

    /** Session variable: the SSH user name. */
    public static final String USER = "haystack.ssh.user";
    /** Session variable: the SHA-256 fingerprint of the key the session logged in with. */
    public static final String KEY = "haystack.ssh.key";

    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

    private Audit() {
    }

    /** Logs {@code operator action=<action> <details> user=... key=...}; {@code details} is key=value text. */
    public static void log(CommandSession session, String action, String details) {
        record(session, action, details, () -> {
        });
    }

    /**
     * Makes {@code change} and then logs it as {@link #log} does; nothing is logged when the
     * change throws.
     */
    static void record(CommandSession session, String action, String details, Runnable change) {
        change.run();
        String what = details.isEmpty() ? "" : " " + details;
        LOG.info("operator action={}{} user={} key={}", action, what, value(session, USER), value(session, KEY));
    }

    private static String value(CommandSession session, String name) {
        Object v = session == null ? null : session.get(name);
        return v == null ? "-" : v.toString();
    }
}
