package haystack.lb.internal;

import haystack.lb.internal.codec.ConnectionHeader;
import haystack.lb.internal.codec.ResponseHead;

/**
 * A backend's response head made the client's, in place at the buffer's start: HTTP/1.1,
 * the backend's connection fields dropped, and the proxy's own say on whether the client
 * connection stays open, which is not the backend's to decide (a backend closing after
 * each response must not cost the client its connection).
 */
final class ClientHead {

    private ClientHead() {
    }

    /** Rewrites the head of {@code r} at {@code in}'s start; returns its length as it will be sent. */
    static int rewrite(ResponseHead r, IoBuffer in, boolean clientKeepAlive, boolean clientHttp10, byte[] scratch) {
        ConnectionHeader connection = ConnectionHeader.NONE;
        boolean keep = clientKeepAlive && r.framing() != ResponseHead.Framing.UNTIL_CLOSE;
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
            in.start = r.rewriteInPlace(in.a, in.start);
            return r.length() - (in.start - before);
        }
        int n = r.copyForClient(in.a, in.start, connection, scratch);
        if (!in.replaceFront(r.length(), scratch, n)) {
            // a full buffer: no field of our own, but never the backend's connection fields
            n = r.copyForClient(in.a, in.start, ConnectionHeader.NONE, scratch);
            in.replaceFront(r.length(), scratch, n);
        }
        return n;
    }
}
