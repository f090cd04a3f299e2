package haystack.ssh.internal.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.felix.service.command.CommandSession;

/**
 * What a command opens for the life of one session (a trace) and how it writes to that
 * session outside a command's run. The SSH shell closes the resources when the session
 * ends, so nothing outlives it.
 */
public final class SessionResources {

    /** Session variable: how to print a line asynchronously (set by the interactive shell). */
    public static final String OUTPUT = ".haystack.output";
    private static final String RESOURCES = ".haystack.resources";

    private SessionResources() {
    }

    static synchronized void register(CommandSession session, AutoCloseable resource) {
        resources(session).add(resource);
    }

    static synchronized void unregister(CommandSession session, AutoCloseable resource) {
        resources(session).remove(resource);
    }

    /** Closes everything commands opened in this session. */
    public static synchronized void closeAll(CommandSession session) {
        List<AutoCloseable> open = new ArrayList<>(resources(session));
        resources(session).clear();
        for (AutoCloseable resource : open) {
            try {
                resource.close();
            } catch (Exception e) {
                // the session is gone either way
            }
        }
    }

    /** Prints a line to the session from any thread: above the prompt in a shell, else to the console. */
    @SuppressWarnings("unchecked")
    static Consumer<String> output(CommandSession session) {
        Object output = session.get(OUTPUT);
        if (output instanceof Consumer<?> consumer) {
            return (Consumer<String>) consumer;
        }
        return line -> {
            session.getConsole().println(line);
            session.getConsole().flush();
        };
    }

    @SuppressWarnings("unchecked")
    private static List<AutoCloseable> resources(CommandSession session) {
        Object list = session.get(RESOURCES);
        if (list instanceof List<?>) {
            return (List<AutoCloseable>) list;
        }
        List<AutoCloseable> created = new ArrayList<>();
        session.put(RESOURCES, created);
        return created;
    }
}
