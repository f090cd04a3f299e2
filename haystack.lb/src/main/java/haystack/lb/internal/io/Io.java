package haystack.lb.internal.io;

import java.nio.channels.SelectionKey;

/** What an event loop's selection key is attached to. */
public interface Io {

    /** The key is ready for its interest ops. */
    void ready(SelectionKey key);

    /** Called about every {@link EventLoop#TICK_MS}: closes or fails what has passed its deadline. */
    void tick(long nowMs);

    /** The loop is shutting down. */
    void close();
}
