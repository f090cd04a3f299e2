package haystack.ssh.internal.server;

import java.io.InputStream;
import java.io.OutputStream;

import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.command.Command;

/** The streams and exit callback SSHD hands every command before it starts. */
abstract class ChannelCommand implements Command {

    protected InputStream in;
    protected OutputStream out;
    protected OutputStream err;
    protected ExitCallback exit;

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
        this.exit = exit;
    }
}
