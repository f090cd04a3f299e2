package haystack.ssh.internal.commands;

import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.BundleContext;

/** A session's trace turned on and off, by {@code haystack:trace} or by Ctrl-C; each change audited. */
public final class Traces {

    private static final String TRACE = ".haystack.trace";

    private Traces() {
    }

    static boolean isOn(CommandSession session) {
        return session.get(TRACE) != null;
    }

    /** Starts tracing into {@code session}; false when it traces already. */
    static synchronized boolean start(BundleContext context, CommandSession session) {
        if (isOn(session)) {
            return false;
        }
        SessionTrace trace = new SessionTrace(context, SessionResources.output(session));
        session.put(TRACE, trace);
        SessionResources.register(session, trace);
        Audit.log(session, "trace", "on=true");
        return true;
    }

    /** Stops the session's trace ({@code via} says how: command, ctrl-c, signal); false when it traced not. */
    public static synchronized boolean stop(CommandSession session, String via) {
        if (!(session.get(TRACE) instanceof SessionTrace trace)) {
            return false;
        }
        trace.close();
        SessionResources.unregister(session, trace);
        session.put(TRACE, null);
        Audit.log(session, "trace", "on=false via=" + via);
        return true;
    }
}
