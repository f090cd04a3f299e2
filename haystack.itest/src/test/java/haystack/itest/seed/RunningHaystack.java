package haystack.itest.seed;

import java.time.Duration;
import java.util.function.Predicate;

/** One Haystack started the way a user starts it, as the seed-000 walkthrough sees it. */
interface RunningHaystack extends AutoCloseable {

    /** The address a client container is given as {@code --dns}; service names resolve to it. */
    String address();

    /** The host port of the SSH console, reachable on 127.0.0.1. */
    int sshPort();

    /** Waits for a line of Haystack's log matching {@code match}; fails with the whole log. */
    String awaitLine(Predicate<String> match, Duration timeout) throws Exception;

    /** Everything Haystack logged so far. */
    String output() throws Exception;

    /** Stops Haystack as its user does (SIGTERM: Ctrl-C's sibling, or docker stop); returns the exit status. */
    int stop() throws Exception;

    @Override
    void close() throws Exception;
}
