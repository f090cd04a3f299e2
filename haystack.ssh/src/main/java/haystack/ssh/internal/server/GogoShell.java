package haystack.ssh.internal.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import haystack.ssh.internal.commands.SessionResources;
import haystack.ssh.internal.commands.Traces;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An interactive session: Gogo commands read by a jline line reader on a terminal over
 * the SSH channel, with line editing, history, completion of command names and
 * window-size changes. {@code exit}, Ctrl-D or closing the connection ends it.
 */
final class GogoShell extends ChannelCommand {

    private static final Logger LOG = LoggerFactory.getLogger(GogoShell.class);
    private static final String PROMPT = "haystack> ";

    private final CommandProcessor processor;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Terminal terminal;
    private volatile Thread thread;

    GogoShell(CommandProcessor processor) {
        this.processor = processor;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        // an external terminal works on the channel's streams; TerminalBuilder would open a local pty
        Terminal t = new ExternalTerminal("haystack", env.getEnv().getOrDefault(Environment.ENV_TERM, "vt100"),
                in, out, StandardCharsets.UTF_8);
        t.setSize(sizeOf(env));
        Attributes attributes = t.getAttributes();
        PtyModes.apply(env.getPtyModes(), attributes);
        t.setAttributes(attributes);
        env.addSignalListener((ch, signal) -> {
            t.setSize(sizeOf(env));
            t.raise(Terminal.Signal.WINCH);
        }, Signal.WINCH);
        terminal = t;
        Thread shell = new Thread(() -> run(channel, env, t), "haystack-ssh-shell");
        shell.setDaemon(true);
        thread = shell;
        shell.start();
    }

    private void run(ChannelSession channel, Environment env, Terminal t) {
        String user = channel.getSession().getUsername();
        LOG.info("ssh shell opened user={} client={}", user, channel.getSession().getClientAddress());
        PrintStream output = new PrintStream(t.output(), true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(t.input(), output, output)) {
            env.getEnv().forEach(session::put);
            SessionAttributes.attach(session, channel);
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(t)
                    .appName("haystack")
                    .completer(new CommandCompleter(session))
                    .build();
            session.put(SessionResources.OUTPUT, (java.util.function.Consumer<String>) reader::printAbove);
            // Ctrl-C while a command runs (the reader installs its own handler while it reads a line),
            // and the SSH "signal" INT or "break" request at any time: end the trace
            t.handle(Terminal.Signal.INT, signal -> interrupted(session, reader, "ctrl-c"));
            env.addSignalListener((ch, signal) -> interrupted(session, reader, "signal"), Signal.INT);
            output.println("Haystack console: Gogo shell. Tab completes commands; 'help' lists them; Ctrl-C ends a trace; 'exit' leaves.");
            try {
                repl(reader, session, output);
            } finally {
                Traces.stop(session, "session-end");
                SessionResources.closeAll(session);
            }
        } catch (Exception e) {
            if (!ended.get()) {
                LOG.warn("ssh shell failed user={} reason={}", user, e.toString());
            }
        } finally {
            LOG.info("ssh shell closed user={}", user);
            end(0);
        }
    }

    private static void interrupted(CommandSession session, LineReader reader, String via) {
        if (Traces.stop(session, via)) {
            reader.printAbove("trace off");
        }
    }

    /** Reads, runs and prints lines until exit, Ctrl-D or the connection goes. Ctrl-C drops the line and ends a trace. */
    private void repl(LineReader reader, CommandSession session, PrintStream output) {
        while (!ended.get()) {
            String line;
            try {
                line = reader.readLine(PROMPT);
            } catch (UserInterruptException ctrlC) {
                if (Traces.stop(session, "ctrl-c")) {
                    output.println("trace off");
                }
                continue;
            } catch (EndOfFileException ctrlD) {
                return;
            }
            String command = line.strip();
            if (command.equals("exit") || command.equals("logout")) {
                return;
            }
            if (command.isEmpty()) {
                continue;
            }
            try {
                Object result = session.execute(command);
                if (result != null) {
                    output.println(session.format(result, Converter.INSPECT));
                }
            } catch (Exception e) {
                output.println(Errors.describe(e));
            }
        }
    }

    private void end(int status) {
        if (ended.compareAndSet(false, true)) {
            try {
                Terminal t = terminal;
                if (t != null) {
                    t.close();
                }
            } catch (IOException e) {
                // closing anyway
            }
            exit.onExit(status);
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        Thread t = thread;
        end(0);
        if (t != null) {
            t.interrupt();
        }
    }

    private static Size sizeOf(Environment env) {
        return new Size(parse(env.getEnv().get(Environment.ENV_COLUMNS), 80), parse(env.getEnv().get(Environment.ENV_LINES), 24));
    }

    private static int parse(String value, int fallback) {
        try {
            int parsed = value == null ? fallback : Integer.parseInt(value);
            return parsed > 0 ? parsed : fallback; // ssh -tt from a pipe reports 0x0
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
