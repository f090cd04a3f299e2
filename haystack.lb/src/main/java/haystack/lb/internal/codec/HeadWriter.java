package haystack.lb.internal.codec;

import java.nio.charset.StandardCharsets;

/**
 * Builds every head the proxy passes on, in either direction: HTTP/1.1 in the start line,
 * every line ending in CRLF, the connection's own fields left behind (RFC 9110 §7.6.1),
 * one Content-Length and none beside Transfer-Encoding (RFC 9112 §6.3), and what the
 * proxy adds itself: for a backend a Host from an absolute-form target, Via and
 * X-Forwarded-*; for a client its own Connection option. Which field line passes is
 * decided by {@link #drops} alone.
 */
final class HeadWriter {

    private static final byte[] HTTP11 = " HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] HOST = "Host: ".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] VIA_11 = "Via: 1.1 ".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] VIA_10 = "Via: 1.0 ".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] X_FORWARDED_FOR = "X-Forwarded-For: ".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] X_FORWARDED_PROTO = "X-Forwarded-Proto: http\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] X_FORWARDED_PROTO_HTTPS = "X-Forwarded-Proto: https\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] X_FORWARDED_HOST = "X-Forwarded-Host: ".getBytes(StandardCharsets.ISO_8859_1);
    /** The longest line {@link #forClient} may add: Content-Length with 18 digits. */
    static final int MAX_ADDED = 64;

    private HeadWriter() {
    }

    /**
     * Whether field line {@code line} stays behind: a field of the sender's connection, a
     * Content-Length the proxy writes again (several, a list, or one beside
     * Transfer-Encoding), and in a request the X-Forwarded-* fields the proxy sets and a
     * Host that an absolute-form target replaces.
     */
    static boolean drops(FieldLines f, int line, boolean request, boolean hostReplaced) {
        byte[] a = f.a;
        int from = f.from(line);
        int colon = f.colon(line);
        if (f.connection.drops(a, from, colon)) {
            return true;
        }
        switch (colon - from) {
            case 4:
                return request && hostReplaced && f.named(line, "host");
            case 14:
                return f.named(line, "content-length") && writesLength(f);
            case 15:
                return request && f.named(line, "x-forwarded-for");
            case 16:
                return request && f.named(line, "x-forwarded-host");
            case 3:
                return request && f.named(line, "via");
            case 17:
                return request ? f.named(line, "x-forwarded-proto") : f.bodiless && f.named(line, "transfer-encoding");
            default:
                return false;
        }
    }

    /** Whether the Content-Length lines are replaced by the proxy's own (or by none, beside Transfer-Encoding). */
    static boolean writesLength(FieldLines f) {
        return f.contentLengthLines > 0 && (f.contentLengthRewritten() || f.transferEncodingLines > 0 || f.bodiless);
    }

    /** The Content-Length line the proxy adds: one number, and only without Transfer-Encoding. */
    private static boolean addsLength(FieldLines f) {
        return f.contentLengthRewritten() && f.transferEncodingLines == 0 && !f.bodiless;
    }

    /**
     * The head for a backend: {@code method SP target SP HTTP/1.1}, the client's field
     * lines that pass, then Host (absolute form), Content-Length, {@code Connection:
     * upgrade}, Via and X-Forwarded-For/-Proto/-Host.
     */
    static byte[] forBackend(RequestHead h, String target, byte[] clientAddress, byte[] pseudonym, boolean https) {
        byte[] proto = https ? X_FORWARDED_PROTO_HTTPS : X_FORWARDED_PROTO;
        FieldLines f = h.fields();
        byte[] a = f.a;
        // the method, the client's target and the host are copied from the buffer: no String on the way
        byte[] path = target == null ? null : target.getBytes(StandardCharsets.ISO_8859_1);
        int pathLength = path == null ? h.targetLength() : path.length;
        byte[] forwarded = f.forwardedFor == null ? null : f.forwardedFor.getBytes(StandardCharsets.ISO_8859_1);
        int forwardedLength = (forwarded == null ? 0 : forwarded.length + 2) + clientAddress.length;
        boolean hasHost = h.host() != null;
        int hostLength = hasHost ? h.hostLength() : 0;
        boolean hostReplaced = h.absoluteForm();
        boolean addHost = hostReplaced || (!hasHost && h.http10());
        byte[] length = addsLength(f) ? Long.toString(f.contentLength).getBytes(StandardCharsets.ISO_8859_1) : null;
        ConnectionHeader connection = h.upgrade() ? ConnectionHeader.UPGRADE : ConnectionHeader.NONE;

        int size = h.methodLength() + 1 + pathLength + HTTP11.length + fieldsLength(f)
                + (addHost ? HOST.length + hostLength + 2 : 0)
                + (length == null ? 0 : CONTENT_LENGTH.length + length.length + 2)
                + connection.length() + VIA_11.length + f.viaLength() + pseudonym.length + 2
                + X_FORWARDED_FOR.length + forwardedLength + 2 + proto.length
                + (hasHost ? X_FORWARDED_HOST.length + hostLength + 2 : 0) + 2;
        byte[] out = new byte[size];
        int p = h.putMethod(out, 0);
        out[p++] = ' ';
        p = path == null ? h.putTarget(out, p) : put(out, p, path, 0, path.length);
        p = put(out, p, HTTP11, 0, HTTP11.length);
        if (addHost) {
            p = crlf(out, h.putHost(out, put(out, p, HOST, 0, HOST.length))); // RFC 9112 §3.2: empty when the target has no authority
        }
        for (int i = 0; i < f.count(); i++) {
            if (!drops(f, i, true, hostReplaced)) {
                p = crlf(out, put(out, p, a, f.from(i), f.stop(i)));
            }
        }
        if (length != null) {
            p = line(out, p, CONTENT_LENGTH, length);
        }
        p = connection.put(out, p);
        p = via(out, p, f, h.http10() ? VIA_10 : VIA_11, pseudonym);
        p = put(out, p, X_FORWARDED_FOR, 0, X_FORWARDED_FOR.length);
        if (forwarded != null) {
            p = put(out, p, forwarded, 0, forwarded.length);
            out[p++] = ',';
            out[p++] = ' ';
        }
        p = crlf(out, put(out, p, clientAddress, 0, clientAddress.length));
        p = put(out, p, proto, 0, proto.length);
        if (hasHost) {
            p = crlf(out, h.putHost(out, put(out, p, X_FORWARDED_HOST, 0, X_FORWARDED_HOST.length)));
        }
        p = crlf(out, p);
        return p == out.length ? out : java.util.Arrays.copyOf(out, p);
    }

    /** Whether a response head goes to the client byte for byte. */
    static boolean passesAsIs(FieldLines f, boolean http10, ConnectionHeader connection) {
        return !http10 && !f.bareLf && f.connection.isEmpty() && !writesLength(f) && connection == ConnectionHeader.NONE
                && !(f.bodiless && f.transferEncodingLines > 0);
    }

    /** Whether {@link #forClientInPlace} can make the client's head: lines only go, none is added or changed. */
    static boolean rewritesInPlace(FieldLines f, ConnectionHeader connection) {
        return connection == ConnectionHeader.NONE && !f.bareLf && !addsLength(f);
    }

    /**
     * Makes the response head at {@code a[from]} the client's without a copy: the lines
     * that do not pass are taken out by moving what precedes them along, and the status
     * line says HTTP/1.1. Returns where the head starts now; it ends where it did.
     */
    static int forClientInPlace(FieldLines f, int from) {
        byte[] a = f.a;
        int start = from;
        // judged before anything moves: Connection's values name the lines to drop (at most MAX_FIELDS, two words of bits)
        long[] dropped = new long[(FieldLines.MAX_FIELDS + 63) / 64];
        for (int i = 0; i < f.count(); i++) {
            if (drops(f, i, false, false)) {
                dropped[i >>> 6] |= 1L << i;
            }
        }
        // in order: moving what precedes a line never touches the lines after it
        for (int i = 0; i < f.count(); i++) {
            if ((dropped[i >>> 6] & 1L << i) != 0) {
                int length = f.next(i) - f.from(i);
                System.arraycopy(a, start, a, start + length, f.from(i) - start);
                start += length;
            }
        }
        a[start + 7] = '1';
        return start;
    }

    /**
     * Writes the response head parsed at {@code a[from]} for the client to {@code out}
     * (at least the head's length plus {@link #MAX_ADDED} and a byte per line): the status
     * line as HTTP/1.1, {@code connection}, the lines that pass and the Content-Length.
     * Returns its length.
     */
    static int forClient(FieldLines f, int from, int statusLineEnd, ConnectionHeader connection, byte[] out) {
        byte[] a = f.a;
        int p = crlf(out, put(out, 0, a, from, HeadScanner.contentEnd(a, from, statusLineEnd)));
        out[7] = '1';
        p = connection.put(out, p);
        for (int i = 0; i < f.count(); i++) {
            if (!drops(f, i, false, false)) {
                p = crlf(out, put(out, p, a, f.from(i), f.stop(i)));
            }
        }
        if (addsLength(f)) {
            p = line(out, p, CONTENT_LENGTH, Long.toString(f.contentLength).getBytes(StandardCharsets.ISO_8859_1));
        }
        return crlf(out, p);
    }

    /** {@code Via:} the client's list, then this proxy as the last recipient (RFC 9110 §7.6.3). */
    private static int via(byte[] out, int p, FieldLines f, byte[] nameAndProtocol, byte[] pseudonym) {
        p = put(out, p, nameAndProtocol, 0, 5); // "Via: "
        p = f.putVias(out, p);
        p = put(out, p, nameAndProtocol, 5, nameAndProtocol.length);
        return crlf(out, put(out, p, pseudonym, 0, pseudonym.length));
    }

    /** The most bytes the field lines take with every line given a CR. */
    private static int fieldsLength(FieldLines f) {
        int n = 0;
        for (int i = 0; i < f.count(); i++) {
            n += f.next(i) - f.from(i) + 1;
        }
        return n;
    }

    private static int line(byte[] out, int p, byte[] name, byte[] value) {
        p = put(out, p, name, 0, name.length);
        return crlf(out, put(out, p, value, 0, value.length));
    }

    static int put(byte[] out, int p, byte[] src, int from, int to) {
        return HeadScanner.put(out, p, src, from, to);
    }

    private static int crlf(byte[] out, int p) {
        out[p] = '\r';
        out[p + 1] = '\n';
        return p + 2;
    }
}
