package haystack.lb.internal.routing;

/**
 * The connections the proxy keeps open to one backend. Routing only closes them, when
 * the backend leaves; what they are and how they are reused is the proxy's business.
 */
public interface ConnectionPool {

    /** Closes the kept connections; connections in use close when their request ends. */
    void close();
}
