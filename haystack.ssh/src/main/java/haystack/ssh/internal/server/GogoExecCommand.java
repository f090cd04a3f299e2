package haystack.ssh.internal.server;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import haystack.ssh.internal.commands.SessionResources;
import haystack.ssh.internal.commands.Traces;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ssh host 'command'}: runs one Gogo command line, prints its result and exits with
 * status 0, or prints the error and exits with status 1.
 */
final class GogoExecCommand extends ChannelCommand {

    private static final Logger LOG = LoggerFactory.getLogger(GogoExecCommand.class);

    private final CommandProcessor processor;
    private final String commandLine;

    GogoExecCommand(CommandProcessor processor, String commandLine) {
        this.processor = processor;
        this.commandLine = commandLine;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        Thread thread = new Thread(() -> run(channel, env), "haystack-ssh-exec");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(ChannelSession channel, Environment env) {
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status = 0;
        try (CommandSession session = processor.createSession(in, stdout, stderr)) {
            env.getEnv().forEach(session::put);
            SessionAttributes.attach(session, channel);
            LOG.info("ssh exec user={} command={}", channel.getSession().getUsername(), commandLine);
            try {
                Object result = session.execute(commandLine);
                if (result != null) {
                    stdout.println(session.format(result, Converter.INSPECT));
                }
            } finally {
                Traces.stop(session, "session-end");
                SessionResources.closeAll(session);
            }
        } catch (Exception e) {
            status = 1;
            stderr.println(Errors.describe(e));
        } finally {
            stdout.flush();
            stderr.flush();
            exit.onExit(status);
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        // the command ends by itself; a closed channel makes its writes fail
    }
}
