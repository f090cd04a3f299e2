package haystack.lb.internal.codec;

/** Finds where a message head ends and walks its lines (RFC 9112 §2.2: LF ends a line, CR before it is dropped). */
final class HeadScanner {

    private HeadScanner() {
    }

    /**
     * Index just past the empty line ending the head in {@code a[from, to)}, or -1 when it
     * has not all arrived; a head longer than {@code max} bytes is refused with {@code tooLong}.
     */
    static int headEnd(byte[] a, int from, int to, int max, int tooLong, String what) throws HttpException {
        int limit = Math.min(to, from + max);
        for (int i = from; i < limit; i++) {
            if (a[i] == '\n') {
                if (i + 1 < to && a[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < to && a[i + 1] == '\r' && a[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        if (to - from >= max) {
            throw new HttpException(tooLong, what + " is longer than " + max + " bytes");
        }
        return -1;
    }

    /** End of the line starting at {@code from} (index of its LF; the head is known complete). */
    static int lineEnd(byte[] a, int from) {
        int i = from;
        while (a[i] != '\n') {
            i++;
        }
        return i;
    }

    /** Copies {@code src[from, to)} to {@code out} at {@code p}; returns the position after it. */
    static int put(byte[] out, int p, byte[] src, int from, int to) {
        System.arraycopy(src, from, out, p, to - from);
        return p + to - from;
    }

    /** {@code lf} minus a CR before it. */
    static int contentEnd(byte[] a, int from, int lf) {
        return lf > from && a[lf - 1] == '\r' ? lf - 1 : lf;
    }

    /**
     * Splits the field line {@code a[from, to)} (no line end) into name and value spans,
     * written to {@code span} as nameEnd, valueStart, valueEnd.
     */
    static void field(byte[] a, int from, int to, int[] span, int badStatus) throws HttpException {
        if (a[from] == ' ' || a[from] == '\t') {
            throw new HttpException(badStatus, "folded header line");
        }
        int i = from;
        while (i < to && Tokens.isToken(a[i])) {
            i++;
        }
        if (i == from || i == to || a[i] != ':') {
            throw new HttpException(badStatus, "malformed header line '" + printable(a, from, to) + "'");
        }
        span[0] = i;
        i++;
        while (i < to && (a[i] == ' ' || a[i] == '\t')) {
            i++;
        }
        int end = to;
        while (end > i && (a[end - 1] == ' ' || a[end - 1] == '\t')) {
            end--;
        }
        for (int k = i; k < end; k++) {
            if (!Tokens.isFieldByte(a[k])) {
                throw new HttpException(badStatus, "control character in header " + Tokens.ascii(a, from, span[0]));
            }
        }
        span[1] = i;
        span[2] = end;
    }

    /** At most 40 bytes of {@code a[from, to)}, anything not printable ASCII shown as '?'. */
    static String printable(byte[] a, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < Math.min(to, from + 40); i++) {
            s.append(a[i] >= 0x20 && a[i] < 0x7f ? (char) a[i] : '?');
        }
        return to - from > 40 ? s + "..." : s.toString();
    }
}
