package haystack.ssh.internal.commands;

import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.threadio.ThreadIO;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
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
    // The process's own stdout and stderr, beneath Gogo's per-thread System.out and System.err
    private static final PrintStream STDOUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    private static final PrintStream STDERR = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    private Audit() {
    }

    /** Logs {@code operator action=<action> <details> user=... key=...}; {@code details} is key=value text. */
    public static void log(CommandSession session, String action, String details) {
        record(session, action, details, () -> {
        });
    }

    /**
     * Makes {@code change} and then logs it as {@link #log} does; nothing is logged when the
     * change throws. What the change itself logs (the registry's "endpoint drained") lands in
     * Haystack's log too.
     */
    static void record(CommandSession session, String action, String details, Runnable change) {
        String user = value(session, USER);
        String key = value(session, KEY);
        String what = details.isEmpty() ? "" : " " + details;
        // While a command runs, Gogo sends this thread's System.out to the operator's session,
        // and slf4j-simple writes to System.out: point the thread back at the process's own.
        ThreadIO io = threadIO();
        if (io != null) {
            io.setStreams(new ByteArrayInputStream(new byte[0]), STDOUT, STDERR);
        }
        try {
            change.run();
            LOG.info("operator action={}{} user={} key={}", action, what, user, key);
        } finally {
            if (io != null) {
                io.close();
            }
        }
    }

    private static ThreadIO threadIO() {
        Bundle bundle = FrameworkUtil.getBundle(Audit.class);
        BundleContext context = bundle == null ? null : bundle.getBundleContext();
        if (context == null) {
            return null; // outside OSGi (unit tests)
        }
        try {
            ServiceReference<ThreadIO> ref = context.getServiceReference(ThreadIO.class);
            if (ref == null) {
                return null;
            }
            ThreadIO io = context.getService(ref);
            context.ungetService(ref); // Gogo's runtime holds it for as long as it runs
            return io;
        } catch (IllegalStateException stopping) {
            return null;
        }
    }

    private static String value(CommandSession session, String name) {
        Object v = session == null ? null : session.get(name);
        return v == null ? "-" : v.toString();
    }
}
