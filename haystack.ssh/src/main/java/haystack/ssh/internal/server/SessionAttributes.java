package haystack.ssh.internal.server;

import org.apache.felix.service.command.CommandSession;
import org.apache.sshd.server.channel.ChannelSession;

/** Variables every Gogo session opened over SSH carries, for commands that care who asks. */
final class SessionAttributes {

    /** Session variable: the SSH user name. */
    static final String USER = "haystack.ssh.user";

    private SessionAttributes() {
    }

    static void attach(CommandSession session, ChannelSession channel) {
        session.put(USER, channel.getSession().getUsername());
    }
}
