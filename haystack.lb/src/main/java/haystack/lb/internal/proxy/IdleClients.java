package haystack.lb.internal.proxy;

/**
 * The client connections of one event loop that wait for a request with nothing of it
 * buffered, oldest first: at the connection limit the oldest is closed to let a new
 * client in, so idle connections cannot lock others out. An intrusive list: joining and
 * leaving allocate nothing and cost O(1). Touched only by its loop.
 */
public final class IdleClients {

    private ClientConnection oldest;
    private ClientConnection newest;
    private int size;

    void add(ClientConnection c) {
        if (c.idleMember) {
            return;
        }
        c.idleMember = true;
        c.idlePrev = newest;
        c.idleNext = null;
        if (newest == null) {
            oldest = c;
        } else {
            newest.idleNext = c;
        }
        newest = c;
        size++;
    }

    void remove(ClientConnection c) {
        if (!c.idleMember) {
            return;
        }
        c.idleMember = false;
        if (c.idlePrev == null) {
            oldest = c.idleNext;
        } else {
            c.idlePrev.idleNext = c.idleNext;
        }
        if (c.idleNext == null) {
            newest = c.idlePrev;
        } else {
            c.idleNext.idlePrev = c.idlePrev;
        }
        c.idlePrev = null;
        c.idleNext = null;
        size--;
    }

    /** Closes the connection idle the longest; false when there is none. */
    boolean closeOldest() {
        ClientConnection c = oldest;
        if (c == null) {
            return false;
        }
        c.evict();
        return true;
    }

    int size() {
        return size;
    }
}
