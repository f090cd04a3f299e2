package haystack.lb.internal.codec;

/**
 * What the proxy needs of a backend's response head (RFC 9112 §4, §6.3): the status, how
 * the body is framed ({@link Framing#decide}), and the head as the client gets it
 * ({@link HeadWriter}): in the proxy's own HTTP version without the backend's
 * connection-specific fields.
 */
public final class ResponseHead {

    private final FieldLines fields;
    private final int status;
    private final int from;
    private final int statusLineEnd;
    private final Framing framing;
    private final boolean reusable;
    private final boolean http10;

    private ResponseHead(FieldLines fields, int status, int from, int statusLineEnd, Framing framing, boolean reusable, boolean http10) {
        this.fields = fields;
        this.status = status;
        this.from = from;
        this.statusLineEnd = statusLineEnd;
        this.framing = framing;
        this.reusable = reusable;
        this.http10 = http10;
    }

    /**
     * Parses the head at {@code a[from, to)}; null when it has not all arrived. Its
     * connection-specific fields are noted in {@code connectionFields}, which must not be
     * filled again before the head is rewritten for the client.
     *
     * @param requestWasHead    it answers a HEAD request: no body whatever the fields say
     * @param requestWasUpgrade it answers a request that asked to upgrade: only then may it be 101
     * @throws HttpException 502 when the backend's head is malformed, ambiguous or too long
     */
    public static ResponseHead parse(byte[] a, int from, int to, int maxHead, boolean requestWasHead, boolean requestWasUpgrade,
            ConnectionFields connectionFields) throws HttpException {
        int end = HeadScanner.headEnd(a, from, to, maxHead, 502, "backend response head");
        if (end < 0) {
            if (!startsWithVersion(a, from, to)) {
                throw malformed(a, from, to);
            }
            return null;
        }
        int lf = HeadScanner.lineEnd(a, from);
        int stop = HeadScanner.contentEnd(a, from, lf);
        // HTTP/1.x SP 3DIGIT SP [reason]; the version is case-sensitive (RFC 9112 §2.3, §4)
        if (stop - from < 12 || !startsWithVersion(a, from, from + 7) || (a[from + 7] != '0' && a[from + 7] != '1') || a[from + 8] != ' '
                || (stop - from > 12 && a[from + 12] != ' ')) {
            throw malformed(a, from, stop);
        }
        boolean http10 = a[from + 7] == '0';
        int status = 0;
        for (int i = from + 9; i < from + 12; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                throw malformed(a, from, stop);
            }
            status = status * 10 + d;
        }
        if (status < 100) {
            throw malformed(a, from, stop);
        }
        for (int i = from + 12; i < stop; i++) {
            if (!Tokens.isFieldByte(a[i])) {
                throw new HttpException(502, "backend sent a control byte in its reason phrase");
            }
        }
        FieldLines f = FieldLines.read(a, lf + 1, 502, connectionFields);
        f.bodiless = status < 200 || status == 204;
        Framing framing = Framing.decide(f, false, http10, status, requestWasHead, requestWasUpgrade);
        boolean reusable = framing != Framing.UNTIL_CLOSE && framing != Framing.TUNNEL && !connectionFields.close()
                && (!http10 || connectionFields.keepAlive());
        return new ResponseHead(f, status, from, lf + 1, framing, reusable, http10);
    }

    private static final byte[] VERSION = {'H', 'T', 'T', 'P', '/', '1', '.'};

    /** Whether {@code a[from, to)} starts like {@code HTTP/1.}, as far as it goes. */
    private static boolean startsWithVersion(byte[] a, int from, int to) {
        for (int i = 0; i < VERSION.length && from + i < to; i++) {
            if (a[from + i] != VERSION[i]) {
                return false;
            }
        }
        return true;
    }

    private static HttpException malformed(byte[] a, int from, int stop) {
        return new HttpException(502, "backend sent a malformed status line '" + HeadScanner.printable(a, from, stop) + "'");
    }

    /** Whether the head goes to the client byte for byte, with no {@code connection} field of the proxy's own to add. */
    public boolean sentAsIs(ConnectionHeader connection) {
        return HeadWriter.passesAsIs(fields, http10, connection);
    }

    /** Whether {@link #rewriteInPlace} makes the head the client's: lines only go, none is added. */
    public boolean rewritesInPlace(ConnectionHeader connection) {
        return HeadWriter.rewritesInPlace(fields, connection);
    }

    /** Makes the head, still where it was parsed, the client's without a copy; returns where it starts now (it ends where it did). */
    public int rewriteInPlace() {
        return HeadWriter.forClientInPlace(fields, from);
    }

    /** Writes the head for the client to {@code out} (room: {@link #maxRewrittenLength}); returns its length. */
    public int copyForClient(ConnectionHeader connection, byte[] out) {
        return HeadWriter.forClient(fields, from, statusLineEnd - 1, connection, out);
    }

    /** The most bytes {@link #copyForClient} writes. */
    public int maxRewrittenLength() {
        return length() + fields.count() + 2 + HeadWriter.MAX_ADDED;
    }

    public int status() {
        return status;
    }

    /** Bytes of the head, status line to empty line. */
    public int length() {
        return fields.end - from;
    }

    public Framing framing() {
        return framing;
    }

    public long contentLength() {
        return fields.contentLength;
    }

    /** Whether the backend keeps the connection for another request after this response. */
    public boolean reusable() {
        return reusable;
    }

    /** An interim response (1xx other than 101): the final one follows. */
    public boolean interim() {
        return status >= 100 && status < 200 && status != 101;
    }
}
