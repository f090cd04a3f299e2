package haystack.lb.internal.codec;

/**
 * A parsed request head (RFC 9112 §3, RFC 9110 §7.2) read in place from the client's
 * buffer: what routing and framing need, and the field lines to pass on through
 * {@link HeadWriter}. Anything malformed or ambiguous is refused here, before a backend
 * is chosen.
 */
public final class RequestHead {

    /** Longer methods exist nowhere; a longer first word is not HTTP. */
    private static final int MAX_METHOD = 32;

    private final FieldLines fields;
    private final int start;
    private final String method;
    /** Where the method's bytes are in the array. */
    private final int methodStart;
    private final int methodEnd;
    private final int targetStart;
    private final int targetEnd;
    /** The origin-form part of the target: path and query. */
    private final int pathStart;
    private final boolean absoluteForm;
    private final boolean http10;
    private final String host;
    /** Where {@link #host} is in the array: the target's authority or the Host value. */
    private final int hostStart;
    private final int hostEnd;
    private final Framing framing;
    private final boolean keepAlive;
    private final boolean upgrade;

    private RequestHead(FieldLines fields, int start, String method, int methodStart, int methodEnd, int targetStart, int targetEnd, int pathStart,
            boolean absoluteForm, boolean http10, String host, int hostStart, int hostEnd, Framing framing, boolean keepAlive, boolean upgrade) {
        this.fields = fields;
        this.start = start;
        this.method = method;
        this.methodStart = methodStart;
        this.methodEnd = methodEnd;
        this.hostStart = hostStart;
        this.hostEnd = hostEnd;
        this.targetStart = targetStart;
        this.targetEnd = targetEnd;
        this.pathStart = pathStart;
        this.absoluteForm = absoluteForm;
        this.http10 = http10;
        this.host = host;
        this.framing = framing;
        this.keepAlive = keepAlive;
        this.upgrade = upgrade;
    }

    /**
     * Parses the head at {@code a[from, to)}; null when it has not all arrived (its start
     * is checked even then, so bytes that are not HTTP are refused at once). Its
     * connection-specific fields are noted in {@code connectionFields}, which must not be
     * filled again before the head is passed on.
     *
     * @throws HttpException 400, 405, 431, 501 or 505 naming what is wrong
     */
    public static RequestHead parse(byte[] a, int from, int to, int maxHead, ConnectionFields connectionFields) throws HttpException {
        // the start is judged the same way whether the head is whole or not
        checkStart(a, from, to);
        int end = HeadScanner.headEnd(a, from, to, maxHead, 431, "request head");
        if (end < 0) {
            return null;
        }
        int i = from;
        // tolerate empty lines before the request line (RFC 9112 §2.2)
        while (a[i] == '\r' || a[i] == '\n') {
            if (a[i] == '\r' && a[i + 1] != '\n') {
                throw new HttpException(400, "a bare CR before the request line");
            }
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
        while (te < lineStop && a[te] > 0x20 && a[te] < 0x7f && a[te] != '#') {
            te++;
        }
        if (te == t || te >= lineStop || a[te] != ' ') {
            throw malformedLine(a, i, lineStop);
        }
        int v = te + 1;
        boolean http10 = version(a, v, lineStop, i);
        String method = method(a, i, m);
        if (method.equals("CONNECT")) {
            throw new HttpException(405, "CONNECT is not served: this is not a forward proxy");
        }

        FieldLines f = FieldLines.read(a, lf + 1, 400, connectionFields);
        int pathStart = t;
        boolean absoluteForm = false;
        String host = null;
        int hostStart = 0;
        int hostEnd = 0;
        if (a[t] == '/') {
            // origin-form
        } else if (a[t] == '*' && te == t + 1) {
            if (!method.equals("OPTIONS")) {
                throw new HttpException(400, "the asterisk target is for OPTIONS only");
            }
        } else {
            int authorityEnd = absoluteAuthorityEnd(a, t, te);
            absoluteForm = true;
            int authority = t + (Tokens.equalsLower(a, t, t + 7, "http://") ? 7 : 8);
            if (authority == authorityEnd) {
                throw new HttpException(400, "the target '" + HeadScanner.printable(a, t, te) + "' has no host (RFC 9110 §4.2.1)");
            }
            host = validHost(a, authority, authorityEnd);
            hostStart = authority;
            hostEnd = authorityEnd;
            pathStart = authorityEnd;
        }
        if (f.hostLines > 1) {
            throw new HttpException(400, "more than one Host header");
        }
        if (f.hostLines == 1) {
            String sent = validHost(a, f.hostFrom, f.hostTo);
            if (host != null && !sameHost(host, sent)) {
                throw new HttpException(400, "the Host header '" + sent + "' is not the target's authority '" + host + "'");
            }
            if (host == null) {
                host = sent;
                hostStart = f.hostFrom;
                hostEnd = f.hostTo;
            }
        } else if (!http10) {
            throw new HttpException(400, "an HTTP/1.1 request without Host (RFC 9112 §3.2)");
        }
        Framing framing = Framing.decide(f, true, http10, 0, false, false);
        boolean close = connectionFields.close();
        boolean keepAlive = http10 ? connectionFields.keepAlive() && !close : !close;
        return new RequestHead(f, from, method, i, m, t, te, pathStart, absoluteForm, http10, host, hostStart, hostEnd, framing, keepAlive,
                connectionFields.upgrade());
    }

    /** HTTP/1.x: the name is case-sensitive (RFC 9112 §2.3); true for 1.0. */
    private static boolean version(byte[] a, int v, int stop, int line) throws HttpException {
        if (stop - v != 8 || a[v] != 'H' || a[v + 1] != 'T' || a[v + 2] != 'T' || a[v + 3] != 'P' || a[v + 4] != '/'
                || !isDigit(a[v + 5]) || a[v + 6] != '.' || !isDigit(a[v + 7])) {
            throw malformedLine(a, line, stop);
        }
        if (a[v + 5] != '1') {
            throw new HttpException(505, "HTTP version " + Tokens.ascii(a, v, stop) + " is not supported");
        }
        return a[v + 7] == '0'; // a higher 1.x is served as 1.1 (RFC 9110 §6.2)
    }

    /**
     * Refuses at once a head whose first bytes cannot start a request line (a TLS
     * ClientHello, a binary protocol), rather than waiting for a line end that never comes.
     * Looks at no more than the method and the first byte of the target.
     */
    private static void checkStart(byte[] a, int from, int to) throws HttpException {
        int i = from;
        while (i < to && (a[i] == '\r' || a[i] == '\n')) {
            i++;
        }
        int m = i;
        while (m < to && m - i <= MAX_METHOD && Tokens.isToken(a[m])) {
            m++;
        }
        if (m == to) {
            return;
        }
        if (m - i > MAX_METHOD || m == i || a[m] != ' ' || (m + 1 < to && !isTargetStart(a[m + 1]))) {
            throw new HttpException(400, "not an HTTP/1.1 request: '" + HeadScanner.printable(a, i, Math.min(to, i + 16)) + "'");
        }
    }

    private static boolean isTargetStart(byte b) {
        return b == '/' || b == '*' || (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
    }

    /** The end of the authority of an absolute-form target {@code http://host[:port]/...}; 400 for anything else. */
    private static int absoluteAuthorityEnd(byte[] a, int t, int te) throws HttpException {
        int authority;
        if (te - t > 7 && Tokens.equalsLower(a, t, t + 7, "http://")) {
            authority = t + 7;
        } else if (te - t > 8 && Tokens.equalsLower(a, t, t + 8, "https://")) {
            authority = t + 8;
        } else {
            throw new HttpException(400, "the target '" + HeadScanner.printable(a, t, te) + "' is not origin-form or absolute-form");
        }
        int e = authority;
        while (e < te && a[e] != '/' && a[e] != '?' && a[e] != '#') {
            e++;
        }
        return e;
    }

    /** A Host value or target authority as RFC 3986 §3.2.2 has it; no user info, no spaces. */
    private static String validHost(byte[] a, int from, int to) throws HttpException {
        for (int i = from; i < to; i++) {
            if (!Tokens.isHostByte(a[i])) {
                throw new HttpException(400, "the host '" + HeadScanner.printable(a, from, to) + "' is not a host name or address");
            }
        }
        return Tokens.ascii(a, from, to);
    }

    /** The same host and port, ignoring case and a default port. */
    private static boolean sameHost(String x, String y) {
        return stripDefaultPort(x).equalsIgnoreCase(stripDefaultPort(y));
    }

    private static String stripDefaultPort(String h) {
        return h.endsWith(":80") ? h.substring(0, h.length() - 3) : h;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static HttpException malformedLine(byte[] a, int from, int to) {
        return new HttpException(400, "malformed request line '" + HeadScanner.printable(a, from, to) + "'");
    }

    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};

    private static String method(byte[] a, int from, int to) {
        for (String known : METHODS) {
            if (known.length() == to - from && sameAscii(known, a, from)) {
                return known;
            }
        }
        return Tokens.ascii(a, from, to);
    }

    /** Whether {@code a} holds {@code s} at {@code from}, case-sensitively (methods are, RFC 9110 §9.1). */
    private static boolean sameAscii(String s, byte[] a, int from) {
        for (int k = 0; k < s.length(); k++) {
            if (a[from + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    FieldLines fields() {
        return fields;
    }

    /** Bytes of the head in the buffer, from its first byte to just past its empty line. */
    public int length() {
        return fields.end - start;
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

    /** The request target in origin form (path and query; "/" for an absolute form without a path). */
    public String target() {
        if (pathStart == targetEnd) {
            return "/";
        }
        String s = Tokens.ascii(fields.a, pathStart, targetEnd);
        return absoluteForm && s.charAt(0) != '/' ? "/" + s : s;
    }

    /** Writes the method to {@code out} at {@code p}; returns the position after it. */
    int putMethod(byte[] out, int p) {
        return HeadScanner.put(out, p, fields.a, methodStart, methodEnd);
    }

    int methodLength() {
        return methodEnd - methodStart;
    }

    /** Writes {@link #host} to {@code out} at {@code p} (nothing when there is none); returns the position after it. */
    int putHost(byte[] out, int p) {
        return HeadScanner.put(out, p, fields.a, hostStart, hostEnd);
    }

    int hostLength() {
        return hostEnd - hostStart;
    }

    /** Writes {@link #target} to {@code out} at {@code p}, from the buffer; returns the position after it. */
    int putTarget(byte[] out, int p) {
        byte[] a = fields.a;
        if (pathStart == targetEnd || absoluteForm && a[pathStart] != '/') {
            out[p++] = '/';
        }
        return HeadScanner.put(out, p, a, pathStart, targetEnd);
    }

    /** The bytes {@link #putTarget} writes. */
    int targetLength() {
        return targetEnd - pathStart + (pathStart == targetEnd || absoluteForm && fields.a[pathStart] != '/' ? 1 : 0);
    }

    /** Whether the target (in origin form) starts with {@code prefix}, compared in place. */
    public boolean targetStartsWith(byte[] prefix) {
        if (targetEnd - pathStart < prefix.length) {
            return false;
        }
        byte[] a = fields.a;
        for (int i = 0; i < prefix.length; i++) {
            if (a[pathStart + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The path of the target, without the query. */
    public String path() {
        byte[] a = fields.a;
        int q = pathStart;
        while (q < targetEnd && a[q] != '?') {
            q++;
        }
        return q == pathStart ? "/" : Tokens.ascii(a, pathStart, q);
    }

    /** The target was in absolute form: its authority is the host. */
    public boolean absoluteForm() {
        return absoluteForm;
    }

    /** The host to route by: the target's authority in absolute form, else the Host header; null when neither. */
    public String host() {
        return host;
    }

    public Framing framing() {
        return framing;
    }

    /** Body length from Content-Length; -1 when there is none. */
    public long contentLength() {
        return framing == Framing.LENGTH ? fields.contentLength : -1;
    }

    public boolean chunked() {
        return framing == Framing.CHUNKED;
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

    /** Whether the request has passed through the proxy named {@code pseudonym} already: a loop. */
    public boolean passedThrough(byte[] pseudonym) {
        return fields.viaNames(pseudonym);
    }

    /**
     * The head for the backend ({@link HeadWriter#forBackend}): HTTP/1.1, the target in
     * origin form ({@code target}, or the client's when null), Via naming
     * {@code pseudonym}, X-Forwarded-For with {@code clientAddress} appended.
     */
    public byte[] forBackend(String target, String clientAddress, byte[] pseudonym) {
        return forBackend(target, clientAddress, pseudonym, false);
    }

    /** As above; {@code https} when the client came over TLS (X-Forwarded-Proto: https). */
    public byte[] forBackend(String target, String clientAddress, byte[] pseudonym, boolean https) {
        return forBackend(target, clientAddress.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), pseudonym, https);
    }

    /** As above with the client's address as ASCII bytes (a connection keeps them, so no request formats them again). */
    public byte[] forBackend(String target, byte[] clientAddress, byte[] pseudonym, boolean https) {
        return HeadWriter.forBackend(this, target, clientAddress, pseudonym, https);
    }
}
