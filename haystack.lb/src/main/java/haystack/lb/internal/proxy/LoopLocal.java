package haystack.lb.internal.proxy;

import haystack.lb.internal.codec.ConnectionFields;
import haystack.lb.internal.io.EventLoop;

/** What the proxy keeps per event loop, touched only by that loop's thread. */
final class LoopLocal {

    final EventLoop loop;
    /** Room to rewrite one head: a buffer's worth and the lines the proxy may add. */
    final byte[] scratch;
    /** What the head last parsed on this loop, in each direction, has that belongs to its connection. */
    final ConnectionFields requestFields = new ConnectionFields();
    final ConnectionFields responseFields = new ConnectionFields();
    /** Client connections waiting for a request with nothing of it buffered, oldest first. */
    final IdleClients idleClients = new IdleClients();
    /** Encrypted-side buffers lent to this loop's HTTPS connections while they hold bytes. */
    final haystack.lb.internal.tls.TlsBuffers tlsBuffers = new haystack.lb.internal.tls.TlsBuffers();

    LoopLocal(EventLoop loop, int bufferSize) {
        this.loop = loop;
        this.scratch = new byte[bufferSize + 512];
    }
}
