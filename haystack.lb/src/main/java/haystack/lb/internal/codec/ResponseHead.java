package haystack.lb.internal.codec;

/**
 * What the proxy needs of a backend's response head (RFC 9112 §4, §6.3): the status, how
 * the body is framed, and the head as the client gets it: in the proxy's own HTTP version
 * without the backend's connection-specific fields (RFC 9110 §6.2, §7.6.1).
 */
public final class ResponseHead {

    /** How the body after this head ends. */
    public enum Framing {
        /** No body (1xx, 204, 304, a response to HEAD). */
        NONE,
        /** Content-Length bytes. */
        LENGTH,
        /** Chunked transfer coding, ending with the last chunk and trailers. */
        CHUNKED,
        /** Whatever comes until the backend closes the connection. */
        UNTIL_CLOSE
    }

    private final int status;
    private final int length;
    private final Framing framing;
    private final long contentLength;
    private final boolean reusable;
    private final boolean http10;
    private final ConnectionFields connectionFields;

    private ResponseHead(int status, int length, Framing framing, long contentLength, boolean reusable, boolean http10,
            ConnectionFields connectionFields) {
        this.status = status;
        this.length = length;
        this.framing = framing;
        this.contentLength = contentLength;
        this.reusable = reusable;
        this.http10 = http10;
        this.connectionFields = connectionFields;
    }

    /**
     * Parses the head at {@code a[from, to)}; null when it has not all arrived. Its
     * connection-specific fields are noted in {@code connectionFields}, which must not be
     * filled again before the head is rewritten for the client.
     *
     * @throws HttpException 502 when the backend's head is malformed or too long
     */
    public static ResponseHead parse(byte[] a, int from, int to, int maxHead, boolean requestWasHead, ConnectionFields connectionFields)
            throws HttpException {
        int end = HeadScanner.headEnd(a, from, to, maxHead, 502, "backend response head");
        if (end < 0) {
            return null;
        }
        int lf = HeadScanner.lineEnd(a, from);
        int stop = HeadScanner.contentEnd(a, from, lf);
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (stop - from < 12 || !Tokens.equalsLower(a, from, from + 5, "http/") || a[from + 5] != '1' || a[from + 6] != '.'
                || a[from + 8] != ' ' || (stop - from > 12 && a[from + 12] != ' ')) {
            throw new HttpException(502, "backend sent a malformed status line '" + HeadScanner.printable(a, from, stop) + "'");
        }
        boolean http10 = a[from + 7] == '0';
        int status = 0;
        for (int i = from + 9; i < from + 12; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                throw new HttpException(502, "backend sent a malformed status line '" + HeadScanner.printable(a, from, stop) + "'");
            }
            status = status * 10 + d;
        }
        int[] span = new int[3];
        long contentLength = -1;
        boolean chunked = false;
        connectionFields.clear();
        int line = lf + 1;
        while (true) {
            int next = HeadScanner.lineEnd(a, line);
            int lineStop = HeadScanner.contentEnd(a, line, next);
            if (lineStop == line) {
                break;
            }
            HeadScanner.field(a, line, lineStop, span, 502);
            connectionFields.see(a, line, next + 1, span[0], span[1], span[2]);
            int nameLength = span[0] - line;
            if (nameLength == 14 && Tokens.equalsLower(a, line, span[0], "content-length")) {
                long n = Tokens.decimal(a, span[1], span[2]);
                if (n < 0 || (contentLength >= 0 && n != contentLength)) {
                    throw new HttpException(502, "backend sent a bad Content-Length");
                }
                contentLength = n;
            } else if (nameLength == 17 && Tokens.equalsLower(a, line, span[0], "transfer-encoding")) {
                chunked = Tokens.listContains(a, span[1], span[2], "chunked");
            }
            line = next + 1;
        }
        Framing framing;
        if (requestWasHead || status < 200 || status == 204 || status == 304) {
            framing = Framing.NONE;
        } else if (chunked) {
            framing = Framing.CHUNKED;
        } else if (contentLength >= 0) {
            framing = Framing.LENGTH;
        } else {
            framing = Framing.UNTIL_CLOSE;
        }
        boolean reusable = framing != Framing.UNTIL_CLOSE && !connectionFields.close() && (!http10 || connectionFields.keepAlive());
        return new ResponseHead(status, end - from, framing, contentLength, reusable, http10, connectionFields);
    }

    /**
     * Whether the head can go to the client byte for byte: HTTP/1.1, nothing
     * connection-specific, and no {@code connection} field of the proxy's own to add.
     */
    public boolean sentAsIs(ConnectionHeader connection) {
        return !http10 && connectionFields.isEmpty() && connection == ConnectionHeader.NONE;
    }

    /**
     * Whether {@link #rewriteInPlace} makes the head the client's: there is no field of the
     * proxy's own to add and the backend's Connection names no other fields.
     */
    public boolean rewritesInPlace(ConnectionHeader connection) {
        return connection == ConnectionHeader.NONE && !connectionFields.namesFields();
    }

    /**
     * Makes the head at {@code a[from]}, where it was parsed, the client's without a copy:
     * its connection fields taken out and HTTP/1.1 in the status line. Returns where it
     * starts now; it ends where it did.
     */
    public int rewriteInPlace(byte[] a, int from) {
        int start = connectionFields.removeLines(a, from);
        a[start + 7] = '1';
        return start;
    }

    /**
     * Writes the head for the client to {@code out} and returns its length: the status line
     * as HTTP/1.1, then {@code connection} (the proxy's own Connection field),
     * then the backend's fields but the connection-specific ones. {@code a[from]} is where
     * the head was parsed, still in place.
     */
    public int copyForClient(byte[] a, int from, ConnectionHeader connection, byte[] out) {
        int lf = HeadScanner.lineEnd(a, from);
        int p = connection.put(out, HeadScanner.put(out, 0, a, from, lf + 1));
        out[7] = '1';
        int line = lf + 1;
        while (true) {
            int next = HeadScanner.lineEnd(a, line);
            if (HeadScanner.contentEnd(a, line, next) == line) {
                return HeadScanner.put(out, p, a, line, next + 1);
            }
            int colon = line;
            while (a[colon] != ':') {
                colon++;
            }
            if (!connectionFields.drops(a, line, colon)) {
                p = HeadScanner.put(out, p, a, line, next + 1);
            }
            line = next + 1;
        }
    }

    public int status() {
        return status;
    }

    /** Bytes of the head, status line to empty line. */
    public int length() {
        return length;
    }

    public Framing framing() {
        return framing;
    }

    public long contentLength() {
        return contentLength;
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
