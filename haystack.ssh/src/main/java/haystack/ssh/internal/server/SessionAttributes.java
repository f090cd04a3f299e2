package haystack.ssh.internal.server;

import haystack.ssh.internal.commands.Audit;
import org.apache.felix.service.command.CommandSession;
import org.apache.sshd.server.channel.ChannelSession;

/** Variables every Gogo session opened over SSH carries, for commands that care who asks (the audit trail). */
final class SessionAttributes {

    private SessionAttributes() {
    }

    static void attach(CommandSession session, ChannelSession channel) {
        session.put(Audit.USER, channel.getSession().getUsername());
        session.put(Audit.KEY, channel.getSession().getAttribute(AuthorizedKeys.FINGERPRINT));
    }
}
