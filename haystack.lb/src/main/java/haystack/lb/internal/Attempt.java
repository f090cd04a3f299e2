package haystack.lb.internal;

import java.util.ArrayList;
import java.util.List;

import io.undertow.util.AttachmentKey;

/**
 * One request's way through the backends: which were tried, which one holds it now and
 * why the last try failed. Touched only by the exchange's own thread at any moment.
 */
final class Attempt {

    static final AttachmentKey<Attempt> KEY = AttachmentKey.create(Attempt.class);

    private final List<Backend> tried = new ArrayList<>(2);
    private Backend current;
    private volatile boolean responseTimedOut;
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

    Backend current() {
        return current;
    }

    /** The backend holding the request sent no response head within the idle timeout. */
    void responseTimedOut(boolean timedOut) {
        responseTimedOut = timedOut;
    }

    boolean responseTimedOut() {
        return responseTimedOut;
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
