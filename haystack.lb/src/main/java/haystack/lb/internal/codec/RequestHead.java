package haystack.lb.internal.codec;

import java.nio.charset.StandardCharsets;

/**
 * A parsed request head (RFC 9112 §3, §5, §6) read in place from the client's buffer:
 * what routing and framing need, plus the spans to copy the head on to a backend with
 * X-Forwarded-* added. Anything malformed is refused here, before a backend is chosen.
 */
public final class RequestHead {

    private static final int MAX_FIELDS = 128;

    private final byte[] a;
    private final int start;
    private final int end;
    private final int lineEnd;
    private final int[] fieldLines;
    private final int fieldCount;

    private final String method;
    private final int targetStart;
    private final int targetEnd;
    private final boolean http10;
    private final String host;
    private final long contentLength;
    private final boolean chunked;
    private final boolean keepAlive;
    private final boolean upgrade;
    private final String forwardedFor;
    private final ConnectionFields connectionFields;

    private RequestHead(byte[] a, int start, int end, int lineEnd, int[] fieldLines, int fieldCount, String method,
            int targetStart, int targetEnd, boolean http10, String host, long contentLength, boolean chunked,
            boolean keepAlive, boolean upgrade, String forwardedFor, ConnectionFields connectionFields) {
        this.a = a;
        this.start = start;
        this.end = end;
        this.lineEnd = lineEnd;
        this.fieldLines = fieldLines;
        this.fieldCount = fieldCount;
        this.method = method;
        this.targetStart = targetStart;
        this.targetEnd = targetEnd;
        this.http10 = http10;
        this.host = host;
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.keepAlive = keepAlive;
        this.upgrade = upgrade;
        this.forwardedFor = forwardedFor;
        this.connectionFields = connectionFields;
    }

    /**
     * Parses the head at {@code a[from, to)}; null when it has not all arrived. Its
     * connection-specific fields are noted in {@code connectionFields}, which must not be
     * filled again before {@link #forBackend}.
     *
     * @throws HttpException 400, 431, 501 or 505 naming what is wrong
     */
    public static RequestHead parse(byte[] a, int from, int to, int maxHead, ConnectionFields connectionFields) throws HttpException {
        int end = HeadScanner.headEnd(a, from, to, maxHead, 431, "request head");
        if (end < 0) {
            return null;
        }
        int i = from;
        // tolerate empty lines before the request line (RFC 9112 §2.2)
        while (a[i] == '\r' || a[i] == '\n') {
            i++;
            if (i >= end) {
                throw new HttpException(400, "empty request");
            }
        }
        int lf = HeadScanner.lineEnd(a, i);
        int lineStop = HeadScanner.contentEnd(a, i, lf);
        int m = i;
        while (m < lineStop && Tokens.isToken(a[m])) {
            m++;
        }
        if (m == i || m >= lineStop || a[m] != ' ') {
            throw malformedLine(a, i, lineStop);
        }
        int t = m + 1;
        int te = t;
        while (te < lineStop && a[te] > 0x20 && a[te] < 0x7f) {
            te++;
        }
        if (te == t || te >= lineStop || a[te] != ' ') {
            throw malformedLine(a, i, lineStop);
        }
        int v = te + 1;
        if (lineStop - v != 8 || !Tokens.equalsLower(a, v, v + 5, "http/") || a[v + 6] != '.') {
            throw malformedLine(a, i, lineStop);
        }
        if (a[v + 5] != '1' || (a[v + 7] != '0' && a[v + 7] != '1')) {
            throw new HttpException(505, "HTTP version " + Tokens.ascii(a, v, lineStop) + " is not supported");
        }
        boolean http10 = a[v + 7] == '0';
        String method = method(a, i, m);

        int[] lines = new int[8];
        int count = 0;
        int[] span = new int[3];
        String host = null;
        long contentLength = -1;
        boolean chunked = false;
        String forwardedFor = null;
        connectionFields.clear();
        int line = lf + 1;
        while (true) {
            int next = HeadScanner.lineEnd(a, line);
            int stop = HeadScanner.contentEnd(a, line, next);
            if (stop == line) {
                break;
            }
            if (count == MAX_FIELDS) {
                throw new HttpException(431, "more than " + MAX_FIELDS + " header fields");
            }
            HeadScanner.field(a, line, stop, span, 400);
            if (lines.length < (count + 1) * 2) {
                lines = java.util.Arrays.copyOf(lines, lines.length * 2);
            }
            lines[count * 2] = line;
            lines[count * 2 + 1] = stop;
            count++;
            connectionFields.see(a, line, next + 1, span[0], span[1], span[2]);
            int nameLength = span[0] - line;
            switch (nameLength) {
                case 4 -> {
                    if (Tokens.equalsLower(a, line, span[0], "host")) {
                        if (host != null) {
                            throw new HttpException(400, "more than one Host header");
                        }
                        host = Tokens.ascii(a, span[1], span[2]);
                    }
                }
                case 14 -> {
                    if (Tokens.equalsLower(a, line, span[0], "content-length")) {
                        long n = Tokens.decimal(a, span[1], span[2]);
                        if (n < 0) {
                            throw new HttpException(400, "Content-Length '" + HeadScanner.printable(a, span[1], span[2]) + "' is not a number");
                        }
                        if (contentLength >= 0 && contentLength != n) {
                            throw new HttpException(400, "conflicting Content-Length headers");
                        }
                        contentLength = n;
                    }
                }
                case 15 -> {
                    if (Tokens.equalsLower(a, line, span[0], "x-forwarded-for")) {
                        String value = Tokens.ascii(a, span[1], span[2]);
                        forwardedFor = forwardedFor == null ? value : forwardedFor + ", " + value;
                    }
                }
                case 17 -> {
                    if (Tokens.equalsLower(a, line, span[0], "transfer-encoding")) {
                        if (!Tokens.equalsLower(a, span[1], span[2], "chunked") || chunked) {
                            throw new HttpException(501, "transfer coding '" + HeadScanner.printable(a, span[1], span[2]) + "' is not supported");
                        }
                        chunked = true;
                    }
                }
                default -> {
                }
            }
            line = next + 1;
        }
        if (chunked && contentLength >= 0) {
            throw new HttpException(400, "both Content-Length and Transfer-Encoding");
        }
        boolean close = connectionFields.close();
        boolean keepAlive = http10 ? connectionFields.keepAlive() && !close : !close;
        boolean upgrade = connectionFields.upgrade();
        return new RequestHead(a, from, end, lf + 1, lines, count, method, t, te, http10, host, contentLength, chunked,
                keepAlive, upgrade, forwardedFor, connectionFields);
    }

    private static HttpException malformedLine(byte[] a, int from, int to) {
        return new HttpException(400, "malformed request line '" + HeadScanner.printable(a, from, to) + "'");
    }

    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};

    private static String method(byte[] a, int from, int to) {
        for (String known : METHODS) {
            if (known.length() == to - from && known.charAt(0) == a[from] && Tokens.ascii(a, from, to).equals(known)) {
                return known;
            }
        }
        return Tokens.ascii(a, from, to);
    }

    /** Bytes of the head in the buffer, from its first byte to just past its empty line. */
    public int length() {
        return end - start;
    }

    public String method() {
        return method;
    }

    public boolean isHead() {
        return "HEAD".equals(method);
    }

    /** GET, HEAD, OPTIONS, TRACE, PUT, DELETE (RFC 9110 §9.2.2): safe to send twice. */
    public boolean idempotent() {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    /** The request target as sent (origin form: path and query). */
    public String target() {
        return Tokens.ascii(a, targetStart, targetEnd);
    }

    /** The path of the target, without the query. */
    public String path() {
        int q = targetStart;
        while (q < targetEnd && a[q] != '?') {
            q++;
        }
        return Tokens.ascii(a, targetStart, q);
    }

    /** The Host header as sent, or null. */
    public String host() {
        return host;
    }

    /** Body length from Content-Length; -1 when there is none. */
    public long contentLength() {
        return contentLength;
    }

    public boolean chunked() {
        return chunked;
    }

    /** Whether the client keeps the connection open after the response (HTTP/1.1 unless close; HTTP/1.0 only if asked). */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Whether the client speaks HTTP/1.0. */
    public boolean http10() {
        return http10;
    }

    /** The client asks to switch protocols (WebSocket). */
    public boolean upgrade() {
        return upgrade;
    }

    /**
     * The head for the backend: the request line with {@code target} (null: unchanged),
     * every field but X-Forwarded-* and the client's connection-specific ones
     * ({@link ConnectionFields}), then X-Forwarded-For (the client's
     * list with {@code clientAddress} appended), -Proto and -Host. The backend connection
     * is the proxy's to keep: it asks for keep-alive (HTTP/1.0) or passes an upgrade on.
     */
    public byte[] forBackend(String target, String clientAddress) {
        byte[] forwardedList = (this.forwardedFor == null ? clientAddress : this.forwardedFor + ", " + clientAddress).getBytes(StandardCharsets.ISO_8859_1);
        byte[] newTarget = target == null ? null : target.getBytes(StandardCharsets.ISO_8859_1);
        byte[] forwardedHost = host == null ? null : host.getBytes(StandardCharsets.ISO_8859_1);
        int size = newTarget == null ? lineEnd - start : lineEnd - start - (targetEnd - targetStart) + newTarget.length;
        size += 1; // the request line may end in a bare LF; it gets a CR
        for (int f = 0; f < fieldCount; f++) {
            size += fieldLines[f * 2 + 1] - fieldLines[f * 2] + 2;
        }
        ConnectionHeader connection = upgrade ? ConnectionHeader.UPGRADE : http10 ? ConnectionHeader.KEEP_ALIVE : ConnectionHeader.NONE;
        size += connection.length();
        size += X_FORWARDED_FOR.length + forwardedList.length + 2 + X_FORWARDED_PROTO.length
                + (forwardedHost == null ? 0 : X_FORWARDED_HOST.length + forwardedHost.length + 2) + 2;
        byte[] out = new byte[size];
        int p;
        int requestLineStop = HeadScanner.contentEnd(a, start, lineEnd - 1);
        int lineFrom = start;
        while (a[lineFrom] == '\r' || a[lineFrom] == '\n') {
            lineFrom++;
        }
        if (newTarget == null) {
            p = HeadScanner.put(out, 0, a, lineFrom, requestLineStop);
        } else {
            p = HeadScanner.put(out, 0, a, lineFrom, targetStart);
            System.arraycopy(newTarget, 0, out, p, newTarget.length);
            p = HeadScanner.put(out, p + newTarget.length, a, targetEnd, requestLineStop);
        }
        p = crlf(out, p);
        for (int f = 0; f < fieldCount; f++) {
            int from = fieldLines[f * 2];
            if (isReplaced(from)) {
                continue;
            }
            p = crlf(out, HeadScanner.put(out, p, a, from, fieldLines[f * 2 + 1]));
        }
        p = connection.put(out, p);
        p = put(out, p, X_FORWARDED_FOR, forwardedList);
        p = put(out, p, X_FORWARDED_PROTO, null);
        if (forwardedHost != null) {
            p = put(out, p, X_FORWARDED_HOST, forwardedHost);
        }
        p = crlf(out, p);
        return java.util.Arrays.copyOf(out, p);
    }

    private static final byte[] X_FORWARDED_FOR = "X-Forwarded-For: ".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] X_FORWARDED_PROTO = "X-Forwarded-Proto: http\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] X_FORWARDED_HOST = "X-Forwarded-Host: ".getBytes(StandardCharsets.ISO_8859_1);

    private static final String[] REPLACED = {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"};

    /** Whether the field line at {@code from} is one the proxy sets itself or one of the client's connection. */
    private boolean isReplaced(int from) {
        int colon = from;
        while (a[colon] != ':') {
            colon++;
        }
        for (String name : REPLACED) {
            if (Tokens.equalsLower(a, from, colon, name)) {
                return true;
            }
        }
        return connectionFields.drops(a, from, colon);
    }

    private static int put(byte[] out, int p, byte[] name, byte[] value) {
        System.arraycopy(name, 0, out, p, name.length);
        p += name.length;
        if (value == null) {
            return p;
        }
        System.arraycopy(value, 0, out, p, value.length);
        return crlf(out, p + value.length);
    }

    private static int crlf(byte[] out, int p) {
        out[p] = '\r';
        out[p + 1] = '\n';
        return p + 2;
    }
}
