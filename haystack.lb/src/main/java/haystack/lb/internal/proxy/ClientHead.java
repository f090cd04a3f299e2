package haystack.lb.internal.proxy;

import haystack.lb.internal.codec.ConnectionHeader;
import haystack.lb.internal.codec.Framing;
import haystack.lb.internal.codec.ResponseHead;
import haystack.lb.internal.io.IoBuffer;

/**
 * A backend's response head made the client's, in place at the buffer's start: HTTP/1.1,
 * the backend's connection fields dropped, and the proxy's own say on whether the client
 * connection stays open, which is not the backend's to decide (a backend closing after
 * each response must not cost the client its connection).
 */
final class ClientHead {

    private ClientHead() {
    }

    /**
     * Rewrites the head of {@code r} at {@code in}'s start; returns its length as it will
     * be sent, or -1 when the buffer is too full to hold what must be added.
     */
    static int rewrite(ResponseHead r, IoBuffer in, boolean clientKeepAlive, boolean clientHttp10, byte[] scratch) {
        ConnectionHeader connection = ConnectionHeader.NONE;
        boolean keep = clientKeepAlive && r.framing() != Framing.UNTIL_CLOSE;
        if (!r.interim() && keep && clientHttp10) {
            connection = ConnectionHeader.KEEP_ALIVE; // HTTP/1.0 closes unless told
        } else if (!r.interim() && !keep && !clientHttp10) {
            connection = ConnectionHeader.CLOSE; // HTTP/1.1 stays open unless told
        }
        if (r.sentAsIs(connection)) {
            return r.length();
        }
        if (r.rewritesInPlace(connection)) {
            int before = in.start;
            in.start = r.rewriteInPlace();
            return r.length() - (in.start - before);
        }
        int n = r.copyForClient(connection, scratch);
        if (!in.replaceFront(r.length(), scratch, n)) {
            // a full buffer: the proxy's Connection option is advice and can go; what frames the body cannot
            n = r.copyForClient(ConnectionHeader.NONE, scratch);
            if (!in.replaceFront(r.length(), scratch, n)) {
                return -1;
            }
        }
        return n;
    }
}
