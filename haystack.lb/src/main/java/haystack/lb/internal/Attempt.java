package haystack.lb.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One request's way through the backends: which were tried, which one holds it now and
 * why the last try failed. Touched only by its event loop.
 */
final class Attempt {

    private final List<Backend> tried = new ArrayList<>(2);
    private Backend current;
    private String failure;
    private boolean timedOut;

    void start(Backend b) {
        tried.add(b);
        current = b;
        b.requestStarted();
    }

    boolean tried(Backend b) {
        return tried.contains(b);
    }

    int tries() {
        return tried.size();
    }

    /** The backend tried last (the one that answered, if any did), or null. */
    Backend last() {
        return tried.isEmpty() ? null : tried.get(tried.size() - 1);
    }

    /** The current backend gives the request up (failed, or the exchange is over). */
    Backend release() {
        Backend b = current;
        if (b != null) {
            current = null;
            b.requestEnded();
        }
        return b;
    }

    void failed(String why, boolean timeout) {
        failure = why;
        timedOut = timeout;
    }

    String failure() {
        return failure;
    }

    boolean timedOut() {
        return timedOut;
    }
}
