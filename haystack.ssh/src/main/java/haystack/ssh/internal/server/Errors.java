package haystack.ssh.internal.server;

import org.apache.felix.gogo.runtime.CommandNotFoundException;

/** How a failed command line is told to the operator: one line, no stack trace. */
final class Errors {

    private Errors() {
    }

    static String describe(Exception e) {
        if (e instanceof CommandNotFoundException notFound) {
            return "command not found: " + notFound.getCommand();
        }
        String message = e.getMessage();
        return "error: " + (message == null ? e.getClass().getSimpleName() : message);
    }
}
