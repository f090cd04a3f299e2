package haystack.lb.internal.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * One request's way through the backends: which were tried, which one holds it now and
 * why the last try failed. Touched only by its event loop.
 */
public final class Attempt {

    /** The endpoints that failed this request or hold it: the chooser skips them. */
    private final List<Backend> tried = new ArrayList<>(2);
    private int tries;
    private Backend last;
    private Backend current;
    /** The pool the last try was chosen from. */
    private ServicePool pool;
    private String failure;
    private boolean timedOut;

    public void start(Backend b, ServicePool from) {
        tried.add(b);
        tries++;
        last = b;
        pool = from;
        current = b;
        b.requestStarted();
    }

    boolean tried(Backend b) {
        return tried.contains(b);
    }

    public int tries() {
        return tries;
    }

    /**
     * The last try failed through no fault of its endpoint (a kept-alive connection it
     * closed as the request went out): the endpoint may be chosen again, on a new connection.
     */
    public void forgiveLast() {
        tried.remove(last);
    }

    /** The pool the last try was chosen from, or null. */
    ServicePool pool() {
        return pool;
    }

    /** The backend tried last (the one that answered, if any did), or null. */
    public Backend last() {
        return last;
    }

    /** The current backend gives the request up (failed, or the exchange is over). */
    public Backend release() {
        Backend b = current;
        if (b != null) {
            current = null;
            b.requestEnded();
        }
        return b;
    }

    public void failed(String why, boolean timeout) {
        failure = why;
        timedOut = timeout;
    }

    public String failure() {
        return failure;
    }

    public boolean timedOut() {
        return timedOut;
    }
}
