package haystack.ssh.internal.server;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.felix.service.command.CommandSession;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/** Completes the first word of a line with the Gogo commands there are now, with and without scope. */
final class CommandCompleter implements Completer {

    /** Gogo runtime's session variable listing every command as {@code scope:function}. */
    static final String COMMANDS = ".commands";

    private final CommandSession session;

    CommandCompleter(CommandSession session) {
        this.session = session;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        if (line.wordIndex() != 0) {
            return;
        }
        for (String name : names()) {
            candidates.add(new Candidate(name));
        }
    }

    Set<String> names() {
        Set<String> names = new TreeSet<>();
        if (session.get(COMMANDS) instanceof Collection<?> commands) {
            for (Object command : commands) {
                String scoped = command.toString();
                names.add(scoped);
                names.add(scoped.substring(scoped.indexOf(':') + 1));
            }
        }
        return names;
    }
}
