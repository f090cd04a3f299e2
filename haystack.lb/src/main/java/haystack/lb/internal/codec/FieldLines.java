package haystack.lb.internal.codec;

/**
 * The field lines of one head (RFC 9112 §5), requests and responses alike, walked once:
 * each line checked against the grammar and noted (start, colon, past its LF), and the
 * fields that decide framing and routing read as they pass: Content-Length,
 * Transfer-Encoding, Host, Via, X-Forwarded-For and the connection's own fields.
 * {@link Framing#decide} turns them into one verdict; {@link HeadWriter} passes the lines on.
 */
final class FieldLines {

    static final int MAX_FIELDS = 128;

    final byte[] a;
    /** Per line: its first byte, its colon, the index past its LF. */
    private int[] lines = new int[24];
    private int count;
    /** Index past the empty line that ends the head. */
    int end;
    /** Some line ends in a bare LF: the head cannot be passed on as it is. */
    boolean bareLf;

    /** The Content-Length value (all lines and list elements agree), or -1. */
    long contentLength = -1;
    int contentLengthLines;
    /** A response that never has a body (1xx, 204): Content-Length and Transfer-Encoding stay behind (RFC 9110 §8.6, RFC 9112 §6.1). */
    boolean bodiless;
    /** A Content-Length line holds a list ("5, 5") rather than one number. */
    boolean contentLengthList;

    int transferEncodingLines;
    int chunkedCount;
    boolean chunkedLast;
    /** A transfer coding other than chunked, or an empty one. */
    boolean otherCoding;
    /** A transfer coding whose name is not a token. */
    private boolean badCoding;

    int hostLines;
    int hostFrom;
    int hostTo;
    /** Via lines: value from, to pairs. */
    private int[] vias;
    private int viaCount;
    /** The X-Forwarded-For values, joined; null when none. */
    String forwardedFor;

    final ConnectionFields connection;

    private FieldLines(byte[] a, ConnectionFields connection) {
        this.a = a;
        this.connection = connection;
    }

    /**
     * Walks the field lines from {@code line} (the one after the start line) to the empty
     * line; the head is known to be complete. Refuses with {@code badStatus} a line that
     * breaks the grammar (RFC 9112 §5, RFC 9110 §5.5), an unreadable Content-Length, or
     * Content-Lengths that disagree.
     */
    static FieldLines read(byte[] a, int line, int badStatus, ConnectionFields connection) throws HttpException {
        FieldLines f = new FieldLines(a, connection);
        connection.clear();
        int[] span = new int[3];
        while (true) {
            int lf = HeadScanner.lineEnd(a, line);
            int stop = HeadScanner.contentEnd(a, line, lf);
            if (stop == lf) {
                f.bareLf = true;
            }
            if (stop == line) {
                f.end = lf + 1;
                return f;
            }
            if (f.count == MAX_FIELDS) {
                throw new HttpException(badStatus == 400 ? 431 : badStatus, "more than " + MAX_FIELDS + " header fields");
            }
            HeadScanner.field(a, line, stop, span, badStatus);
            f.add(line, span[0], lf + 1);
            connection.see(a, line, span[0], span[1], span[2]);
            f.note(line, span[0], span[1], span[2], badStatus);
            line = lf + 1;
        }
    }

    private void add(int from, int colon, int next) {
        if (lines.length < (count + 1) * 3) {
            lines = java.util.Arrays.copyOf(lines, lines.length * 2);
        }
        lines[count * 3] = from;
        lines[count * 3 + 1] = colon;
        lines[count * 3 + 2] = next;
        count++;
    }

    private void note(int name, int colon, int valueFrom, int valueTo, int badStatus) throws HttpException {
        switch (colon - name) {
            case 3 -> {
                if (Tokens.equalsLower(a, name, colon, "via")) {
                    vias = vias == null ? new int[4] : vias.length < (viaCount + 1) * 2 ? java.util.Arrays.copyOf(vias, vias.length * 2) : vias;
                    vias[viaCount * 2] = valueFrom;
                    vias[viaCount * 2 + 1] = valueTo;
                    viaCount++;
                }
            }
            case 4 -> {
                if (Tokens.equalsLower(a, name, colon, "host")) {
                    hostLines++;
                    hostFrom = valueFrom;
                    hostTo = valueTo;
                }
            }
            case 14 -> {
                if (Tokens.equalsLower(a, name, colon, "content-length")) {
                    contentLength(valueFrom, valueTo, badStatus);
                }
            }
            case 15 -> {
                if (Tokens.equalsLower(a, name, colon, "x-forwarded-for")) {
                    String value = Tokens.ascii(a, valueFrom, valueTo);
                    forwardedFor = forwardedFor == null ? value : forwardedFor + ", " + value;
                }
            }
            case 17 -> {
                if (Tokens.equalsLower(a, name, colon, "transfer-encoding")) {
                    transferEncodingLines++;
                    if (hasEmptyElement(valueFrom, valueTo)) {
                        throw new HttpException(badStatus, "an empty transfer coding in '" + HeadScanner.printable(a, valueFrom, valueTo) + "'");
                    }
                    Tokens.anyElement(a, valueFrom, valueTo, this::coding);
                    if (badCoding) {
                        throw new HttpException(badStatus, "a transfer coding that is not a token in '" + HeadScanner.printable(a, valueFrom, valueTo) + "'");
                    }
                }
            }
            default -> {
            }
        }
    }

    /** One transfer coding, in order: is chunked the last one, and how often does it come. */
    private boolean coding(byte[] x, int from, int to) {
        int nameEnd = from;
        while (nameEnd < to && Tokens.isToken(x[nameEnd])) {
            nameEnd++;
        }
        int rest = nameEnd;
        while (rest < to && (x[rest] == ' ' || x[rest] == '\t')) {
            rest++;
        }
        if (nameEnd == from || rest < to && x[rest] != ';') {
            badCoding = true; // transfer-coding = token *( OWS ";" OWS transfer-parameter ), RFC 9112 §7
            return true;
        }
        if (Tokens.equalsLower(x, from, to, "chunked")) {
            chunkedCount++;
            chunkedLast = true;
        } else {
            otherCoding = true;
            chunkedLast = false;
        }
        return false;
    }

    /** Whether the list has an element that is empty or only whitespace (",chunked", "chunked,", ""). */
    private boolean hasEmptyElement(int from, int to) {
        boolean content = false;
        for (int i = from; i < to; i++) {
            if (a[i] == ',') {
                if (!content) {
                    return true;
                }
                content = false;
            } else if (a[i] != ' ' && a[i] != '\t') {
                content = true;
            }
        }
        return !content;
    }

    /**
     * RFC 9110 §8.6: one or more decimal numbers; a list of equal values stands for one
     * (RFC 9112 §6.3 item 5), any other disagreement is faulty framing.
     */
    private void contentLength(int from, int to, int badStatus) throws HttpException {
        contentLengthLines++;
        int elements = 0;
        int i = from;
        while (i <= to) {
            int e = i;
            while (e < to && a[e] != ',') {
                e++;
            }
            int s = i;
            int t = e;
            while (s < t && (a[s] == ' ' || a[s] == '\t')) {
                s++;
            }
            while (t > s && (a[t - 1] == ' ' || a[t - 1] == '\t')) {
                t--;
            }
            long n = Tokens.decimal(a, s, t);
            if (n < 0) {
                throw new HttpException(badStatus, "Content-Length '" + HeadScanner.printable(a, from, to) + "' is not a number");
            }
            if (contentLength >= 0 && contentLength != n) {
                throw new HttpException(badStatus, "conflicting Content-Length values");
            }
            contentLength = n;
            elements++;
            i = e + 1;
        }
        if (elements > 1) {
            contentLengthList = true;
        }
    }

    int count() {
        return count;
    }

    int from(int line) {
        return lines[line * 3];
    }

    int colon(int line) {
        return lines[line * 3 + 1];
    }

    /** Index past the LF of {@code line}. */
    int next(int line) {
        return lines[line * 3 + 2];
    }

    /** End of the line's content: before its CR LF or bare LF. */
    int stop(int line) {
        return HeadScanner.contentEnd(a, from(line), next(line) - 1);
    }

    /** Whether the line's name is {@code lower}, ignoring case. */
    boolean named(int line, String lower) {
        return Tokens.equalsLower(a, from(line), colon(line), lower);
    }

    /** Bytes {@link #putVias} writes at most: each Via value and ", ". */
    int viaLength() {
        int n = 0;
        for (int v = 0; v < viaCount; v++) {
            n += vias[v * 2 + 1] - vias[v * 2] + 2;
        }
        return n;
    }

    /** Writes the Via values received, each followed by ", ", to {@code out} at {@code p}. */
    int putVias(byte[] out, int p) {
        for (int v = 0; v < viaCount; v++) {
            int from = vias[v * 2];
            int to = vias[v * 2 + 1];
            if (to > from) {
                p = HeadWriter.put(out, p, a, from, to);
                out[p++] = ',';
                out[p++] = ' ';
            }
        }
        return p;
    }

    /** Whether more than one Content-Length, or a list, must be passed on as one number. */
    boolean contentLengthRewritten() {
        return contentLengthLines > 1 || contentLengthList;
    }

    /**
     * Whether a Via names {@code pseudonym} as a recipient: {@code received-protocol RWS
     * received-by} (RFC 9110 §7.6.3), so the message has passed through that proxy.
     */
    boolean viaNames(byte[] pseudonym) {
        for (int v = 0; v < viaCount; v++) {
            if (Tokens.anyElement(a, vias[v * 2], vias[v * 2 + 1], (x, from, to) -> receivedBy(x, from, to, pseudonym))) {
                return true;
            }
        }
        return false;
    }

    private static boolean receivedBy(byte[] x, int from, int to, byte[] pseudonym) {
        int i = from;
        while (i < to && x[i] != ' ' && x[i] != '\t') {
            i++;
        }
        while (i < to && (x[i] == ' ' || x[i] == '\t')) {
            i++;
        }
        int s = i;
        while (i < to && x[i] != ' ' && x[i] != '\t') {
            i++;
        }
        return Tokens.equalsIgnoreCase(x, s, i, pseudonym, 0, pseudonym.length);
    }
}
