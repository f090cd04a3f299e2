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
    /** Endpoints whose try met a closing kept-alive connection and that have not had a fresh one; usually null. */
    private List<Backend> raced;
    private boolean freshOnly;

    public void start(Backend b, ServicePool from) {
        if (!tried.contains(b)) { // a raced endpoint's last try is in the list already
            tried.add(b);
        }
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
     * The last try met a kept-alive connection its endpoint closed as the request went out
     * (no fault of the endpoint's, or it just died). It stays skipped while another endpoint
     * is left; when none is, the chooser gives it one more try, on a new connection.
     */
    public void raced() {
        if (raced == null) {
            raced = new ArrayList<>(1);
        }
        raced.add(last);
    }

    /** A raced endpoint for one last try on a new connection, taken from the list; or null. */
    Backend takeRaced(ServicePool from) {
        if (raced == null) {
            return null;
        }
        for (int i = 0; i < from.size(); i++) {
            Backend b = from.backend(i);
            if (raced.remove(b)) {
                freshOnly = true;
                return b;
            }
        }
        return null;
    }

    /** This try must open a new connection: its endpoint's kept ones may all be stale. */
    public boolean freshOnly() {
        return freshOnly;
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
