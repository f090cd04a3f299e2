package haystack.ssh.internal.commands;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Job;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Audits what Felix's own commands ({@code install}, {@code start}, {@code stop},
 * {@code update}, {@code uninstall}) change. A synchronous bundle listener is called on
 * the thread that made the change, so a change made by a console command finds that
 * command's Gogo job, and through it the session's user and key; changes the framework
 * makes by itself (start-up, refresh) have no job and are not operator actions.
 */
@Component(immediate = true)
public final class BundleAudit implements SynchronousBundleListener {

    private final BundleContext context;

    @Activate
    public BundleAudit(BundleContext context) {
        this.context = context;
        context.addBundleListener(this);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        String action = action(event.getType());
        if (action == null) {
            return;
        }
        CommandSession session = consoleSession();
        if (session != null) {
            Bundle b = event.getBundle();
            Audit.log(session, action, "bundle=" + b.getSymbolicName() + ":" + b.getVersion() + " id=" + b.getBundleId());
        }
    }

    /** The Gogo session whose command runs on this thread, or null. */
    static CommandSession consoleSession() {
        Job job = Job.Utils.current();
        return job == null ? null : job.session();
    }

    /** The event a console command means to cause; STOPPED also follows an uninstall or update of an active bundle. */
    static String action(int type) {
        return switch (type) {
            case BundleEvent.INSTALLED -> "install";
            case BundleEvent.STARTED -> "start";
            case BundleEvent.STOPPED -> "stop";
            case BundleEvent.UPDATED -> "update";
            case BundleEvent.UNINSTALLED -> "uninstall";
            default -> null;
        };
    }
}
