package haystack.lb.internal.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;


/**
 * The fuzz tests' reference: a plain, independent reading of RFC 9112 and of SPEC §5
 * ("HTTP/1.1 framing is strict"), written for being obviously right rather than fast. One
 * cursor walks the grammar rule by rule; running out of input is {@link Kind#INCOMPLETE},
 * the first rule broken is {@link Kind#INVALID} with its name. Nothing here is shared with
 * the codec.
 * <p>
 * The fuzz tests hold the codec to it one way only: whatever the codec accepts, this accepts
 * too and reads the same way. So where the RFC lets a recipient choose, this takes the
 * lenient side (a codec that refuses more is never a finding):
 * <ul>
 * <li>a head line may end in a bare LF (RFC 9112 §2.2), any number of empty lines may come
 * before a request line, "HTTP" in the version is read without regard to case;</li>
 * <li>a request target is any visible ASCII (its form is the router's business);</li>
 * <li>a Content-Length may be a list of identical values (RFC 9110 §8.6), of any size;</li>
 * <li>a transfer coding's parameters are not read; HTTP/1.x with x other than 0 is 1.1.</li>
 * </ul>
 * And where SPEC §5 says what is refused, this refuses it: a chunk size of more than 15 hex
 * digits, a chunk line or trailer line not ending in CRLF, an extension outside
 * {@code *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] )}, a trailer that is
 * not a field line, a bare CR or a control byte anywhere in framing, Transfer-Encoding on
 * HTTP/1.0, chunked other than once and last, Transfer-Encoding with Content-Length on a
 * request, different Content-Lengths, an HTTP/1.1 request without Host, more than one Host.
 */
final class Rfc9112 {

    private static final int CR = '\r';
    private static final int LF = '\n';
    private static final int SP = ' ';
    private static final int HTAB = '\t';
    /** The most hex digits a chunk size may have (SPEC §5): 15 of them never overflow a long. */
    static final int MAX_CHUNK_SIZE_DIGITS = 15;
    /** A Content-Length too large for a long (more than 18 digits without leading zeros). */
    static final long TOO_LARGE = Long.MAX_VALUE;

    private Rfc9112() {
    }

    enum Kind {
        /** Every byte given fits the grammar, and the message (or body) has not ended. */
        INCOMPLETE,
        /** A rule is broken: {@link Verdict#rule} at {@link Verdict#at}. */
        INVALID,
        /** A whole head (or chunked body) ends at {@link Verdict#end}. */
        VALID
    }

    /** One field line: name in lower case, value without the whitespace around it. */
    record Field(String name, String value) {
    }

    /** What the reference makes of a head or of a chunked body. */
    static final class Verdict {
        Kind kind;
        /** INVALID: the rule broken. */
        String rule;
        /** INVALID: where (the byte, or the head's end for a rule about the whole head). */
        int at;
        /** VALID: index just past the head or body. */
        int end;
        // heads
        String method;
        String target;
        boolean http10;
        int status;
        String host;
        /** -1 when there is none, {@link #TOO_LARGE} when it does not fit a long. */
        long contentLength = -1;
        /** Requests: whether the body is chunked. */
        boolean chunked;
        /** Responses: how the body ends. */
        Framing framing;
        final List<Field> fields = new ArrayList<>();

        boolean valid() {
            return kind == Kind.VALID;
        }

        @Override
        public String toString() {
            return switch (kind) {
                case INCOMPLETE -> "incomplete";
                case INVALID -> "invalid at " + at + ": " + rule;
                case VALID -> "valid, ends at " + end;
            };
        }
    }

    private static final class Incomplete extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Incomplete() {
            super(null, null, false, false);
        }
    }

    private static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String rule;
        final int at;

        Invalid(String rule, int at) {
            super(rule, null, false, false);
            this.rule = rule;
            this.at = at;
        }
    }

    /** A cursor over {@code a[i, to)}. */
    private static final class In {
        final byte[] a;
        final int to;
        int i;

        In(byte[] a, int from, int to) {
            this.a = a;
            this.i = from;
            this.to = to;
        }

        int peek() {
            if (i >= to) {
                throw new Incomplete();
            }
            return a[i] & 0xff;
        }

        int next() {
            int b = peek();
            i++;
            return b;
        }

        Invalid invalid(String rule) {
            return new Invalid(rule, i);
        }
    }

    // ---- byte classes (RFC 9110 §5.6, §5.5; RFC 5234 core rules) ----

    static boolean isTchar(int b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }

    static boolean isVchar(int b) {
        return b >= 0x21 && b <= 0x7e;
    }

    static boolean isObsText(int b) {
        return b >= 0x80 && b <= 0xff;
    }

    /** field-vchar, SP and HTAB: what a field value is made of. */
    static boolean isFieldByte(int b) {
        return b == SP || b == HTAB || isVchar(b) || isObsText(b);
    }

    static int hex(int b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    // ---- the pieces of the grammar ----

    /** A line end: CRLF, or a bare LF where {@code strict} is false (heads); a bare CR never. */
    private static void lineEnd(In in, boolean strict, String rule) {
        int b = in.peek();
        if (b == CR) {
            in.i++;
            if (in.peek() != LF) {
                throw in.invalid("bare CR");
            }
            in.i++;
        } else if (b == LF) {
            if (strict) {
                throw in.invalid("bare LF");
            }
            in.i++;
        } else {
            throw in.invalid(rule);
        }
    }

    private static String token(In in, String rule) {
        int start = in.i;
        while (isTchar(in.peek())) {
            in.i++;
        }
        if (in.i == start) {
            throw in.invalid(rule);
        }
        return ascii(in.a, start, in.i);
    }

    private static void sp(In in, String rule) {
        if (in.peek() != SP) {
            throw in.invalid(rule);
        }
        in.i++;
    }

    /** "HTTP/" DIGIT "." DIGIT, major 1; returns whether it is HTTP/1.0. */
    private static boolean version(In in) {
        for (char c : "http/".toCharArray()) {
            int b = in.next();
            if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != c) {
                in.i--;
                throw in.invalid("HTTP-version");
            }
        }
        int major = in.next();
        if (major != '1') {
            in.i--;
            throw in.invalid("HTTP-version: only HTTP/1.x is HTTP/1.x framing");
        }
        if (in.next() != '.') {
            in.i--;
            throw in.invalid("HTTP-version");
        }
        int minor = in.next();
        if (minor < '0' || minor > '9') {
            in.i--;
            throw in.invalid("HTTP-version: minor version is a digit");
        }
        return minor == '0';
    }

    /** Field lines up to and with the empty line ending them (a head's fields, or trailers). */
    private static void fields(In in, boolean strict, List<Field> out) {
        while (true) {
            int b = in.peek();
            if (b == CR || b == LF) {
                lineEnd(in, strict, "empty line");
                return;
            }
            if (b == SP || b == HTAB) {
                throw in.invalid("obs-fold: a field line starts with whitespace");
            }
            String name = token(in, "field-name");
            if (in.peek() != ':') {
                throw in.invalid("field line: ':' right after the field name");
            }
            in.i++;
            int start = in.i;
            while (isFieldByte(in.peek())) {
                in.i++;
            }
            int end = in.i;
            lineEnd(in, strict, "control byte in a field value");
            while (start < end && (in.a[start] == SP || in.a[start] == HTAB)) {
                start++;
            }
            while (end > start && (in.a[end - 1] == SP || in.a[end - 1] == HTAB)) {
                end--;
            }
            out.add(new Field(name.toLowerCase(Locale.ROOT), ascii(in.a, start, end)));
        }
    }

    private static List<String> values(Verdict v, String name) {
        List<String> out = new ArrayList<>();
        for (Field f : v.fields) {
            if (f.name().equals(name)) {
                out.add(f.value());
            }
        }
        return out;
    }

    /** Content-Length fields (each maybe a list): all the same number, or invalid; -1 for none. */
    private static long contentLength(Verdict v, int at) {
        String seen = null;
        for (String value : values(v, "content-length")) {
            for (String element : value.split(",", -1)) {
                String digits = element.strip();
                if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new Invalid("Content-Length: 1*DIGIT", at);
                }
                int zeros = 0;
                while (zeros < digits.length() - 1 && digits.charAt(zeros) == '0') {
                    zeros++;
                }
                String n = digits.substring(zeros);
                if (seen != null && !seen.equals(n)) {
                    throw new Invalid("Content-Length: different values", at);
                }
                seen = n;
            }
        }
        if (seen == null) {
            return -1;
        }
        return seen.length() > 18 ? TOO_LARGE : Long.parseLong(seen);
    }

    /** The transfer codings named, in order (empty list elements skipped); each a token. */
    private static List<String> codings(List<String> values, int at) {
        List<String> out = new ArrayList<>();
        for (String value : values) {
            for (String element : value.split(",", -1)) {
                String e = element.strip();
                if (e.isEmpty()) {
                    continue;
                }
                int semicolon = e.indexOf(';');
                String name = (semicolon < 0 ? e : e.substring(0, semicolon)).strip();
                if (name.isEmpty() || !name.chars().allMatch(Rfc9112::isTchar)) {
                    throw new Invalid("Transfer-Encoding: a transfer coding is a token", at);
                }
                out.add(name.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /**
     * Whether the codings end in chunked: chunked must appear at most once and only last
     * (SPEC §5). Returns true when chunked is last, false when it is not there at all.
     */
    private static boolean chunkedLast(List<String> codings, int at) {
        int count = 0;
        for (String c : codings) {
            if (c.equals("chunked")) {
                count++;
            }
        }
        if (count > 1) {
            throw new Invalid("Transfer-Encoding: chunked more than once", at);
        }
        if (count == 1 && !codings.get(codings.size() - 1).equals("chunked")) {
            throw new Invalid("Transfer-Encoding: chunked not the final coding", at);
        }
        return count == 1;
    }

    // ---- messages ----

    /** A request head starting at {@code a[from]} (RFC 9112 §2.2, §3, §5, §6; SPEC §5). */
    static Verdict request(byte[] a, int from, int to) {
        return request(a, from, to, false);
    }

    /** As {@link #request(byte[], int, int)}; {@code strict}: every line ends in CRLF, as a sender must write it. */
    static Verdict request(byte[] a, int from, int to, boolean strict) {
        Verdict v = new Verdict();
        In in = new In(a, from, to);
        try {
            while (in.peek() == CR || in.peek() == LF) {
                if (strict) {
                    throw in.invalid("empty line before the request line");
                }
                lineEnd(in, false, "empty line");
            }
            v.method = token(in, "method");
            sp(in, "request-line: one SP after the method");
            int start = in.i;
            while (isVchar(in.peek())) {
                in.i++;
            }
            if (in.i == start) {
                throw in.invalid("request-target");
            }
            v.target = ascii(a, start, in.i);
            sp(in, "request-line: one SP after the request-target");
            v.http10 = version(in);
            lineEnd(in, strict, "request-line: line end after the HTTP-version");
            fields(in, strict, v.fields);
            v.end = in.i;

            int at = in.i;
            List<String> hosts = values(v, "host");
            if (hosts.size() > 1) {
                throw new Invalid("Host: more than one", at);
            }
            if (hosts.isEmpty() && !v.http10) {
                throw new Invalid("Host: missing from an HTTP/1.1 request", at);
            }
            v.host = hosts.isEmpty() ? null : hosts.get(0);
            v.contentLength = contentLength(v, at);
            List<String> te = values(v, "transfer-encoding");
            if (!te.isEmpty()) {
                if (v.http10) {
                    throw new Invalid("Transfer-Encoding on HTTP/1.0", at);
                }
                if (v.contentLength >= 0) {
                    throw new Invalid("Transfer-Encoding with Content-Length on a request", at);
                }
                if (!chunkedLast(codings(te, at), at)) {
                    throw new Invalid("Transfer-Encoding on a request without chunked last", at);
                }
                v.chunked = true;
            }
            v.kind = Kind.VALID;
        } catch (Incomplete e) {
            v.kind = Kind.INCOMPLETE;
        } catch (Invalid e) {
            v.kind = Kind.INVALID;
            v.rule = e.rule;
            v.at = e.at;
        }
        return v;
    }

    /** A response head starting at {@code a[from]} (RFC 9112 §4, §6.3; SPEC §5). */
    static Verdict response(byte[] a, int from, int to, boolean requestWasHead) {
        return response(a, from, to, requestWasHead, false);
    }

    /** As {@link #response(byte[], int, int, boolean)}; {@code strict}: every line ends in CRLF. */
    static Verdict response(byte[] a, int from, int to, boolean requestWasHead, boolean strict) {
        Verdict v = new Verdict();
        In in = new In(a, from, to);
        try {
            v.http10 = version(in);
            sp(in, "status-line: one SP after the HTTP-version");
            int status = 0;
            for (int k = 0; k < 3; k++) {
                int d = in.next();
                if (d < '0' || d > '9') {
                    in.i--;
                    throw in.invalid("status-code: 3DIGIT");
                }
                status = status * 10 + d - '0';
            }
            if (status < 100) {
                throw new Invalid("status-code: below 100", in.i);
            }
            v.status = status;
            boolean reason = in.peek() == SP;
            if (reason) {
                in.i++;
                while (in.peek() == HTAB || in.peek() == SP || isVchar(in.peek()) || isObsText(in.peek())) {
                    in.i++;
                }
            }
            lineEnd(in, strict, reason ? "reason-phrase: control byte" : "status-line: SP after the status-code");
            fields(in, strict, v.fields);
            v.end = in.i;

            int at = in.i;
            v.contentLength = contentLength(v, at);
            List<String> te = values(v, "transfer-encoding");
            if (requestWasHead || status < 200 || status == 204 || status == 304) {
                v.framing = Framing.NONE;
            } else if (!te.isEmpty()) {
                if (v.http10) {
                    throw new Invalid("Transfer-Encoding on HTTP/1.0", at);
                }
                v.framing = chunkedLast(codings(te, at), at) ? Framing.CHUNKED : Framing.UNTIL_CLOSE;
            } else if (v.contentLength >= 0) {
                v.framing = Framing.LENGTH;
            } else {
                v.framing = Framing.UNTIL_CLOSE;
            }
            v.kind = Kind.VALID;
        } catch (Incomplete e) {
            v.kind = Kind.INCOMPLETE;
        } catch (Invalid e) {
            v.kind = Kind.INVALID;
            v.rule = e.rule;
            v.at = e.at;
        }
        return v;
    }

    /**
     * A chunked body starting at {@code a[from]} (RFC 9112 §7.1; SPEC §5):
     * {@code *chunk last-chunk trailer-section CRLF}, every line ending in CRLF.
     */
    static Verdict chunked(byte[] a, int from, int to) {
        Verdict v = new Verdict();
        In in = new In(a, from, to);
        try {
            while (true) {
                long size = 0;
                int digits = 0;
                while (hex(in.peek()) >= 0) {
                    if (++digits > MAX_CHUNK_SIZE_DIGITS) {
                        throw in.invalid("chunk-size: more than " + MAX_CHUNK_SIZE_DIGITS + " hex digits");
                    }
                    size = size << 4 | hex(in.next());
                }
                if (digits == 0) {
                    throw in.invalid("chunk-size: 1*HEXDIG");
                }
                chunkExtensions(in);
                lineEnd(in, true, "chunk-size line: CRLF after the size and extensions");
                if (size == 0) {
                    break;
                }
                if (to - in.i < size) {
                    throw new Incomplete();
                }
                in.i += (int) size;
                lineEnd(in, true, "chunk-data: CRLF right after chunk-size bytes");
            }
            fields(in, true, v.fields);
            v.end = in.i;
            v.kind = Kind.VALID;
        } catch (Incomplete e) {
            v.kind = Kind.INCOMPLETE;
        } catch (Invalid e) {
            v.kind = Kind.INVALID;
            v.rule = e.rule;
            v.at = e.at;
        }
        return v;
    }

    /** {@code *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )}, up to the line end. */
    private static void chunkExtensions(In in) {
        while (true) {
            boolean space = bws(in);
            int b = in.peek();
            if (b == CR || b == LF) {
                if (space) {
                    throw in.invalid("chunk-ext: whitespace before the line end");
                }
                return;
            }
            if (b != ';') {
                throw in.invalid("chunk-ext: ';' starts an extension");
            }
            in.i++;
            bws(in);
            token(in, "chunk-ext-name: a token");
            int afterName = in.i;
            bws(in);
            if (in.peek() == '=') {
                in.i++;
                bws(in);
                if (in.peek() == '"') {
                    quotedString(in);
                } else {
                    token(in, "chunk-ext-val: a token or a quoted-string");
                }
            } else {
                in.i = afterName; // the whitespace belongs to what follows
            }
        }
    }

    private static boolean bws(In in) {
        int start = in.i;
        while (in.peek() == SP || in.peek() == HTAB) {
            in.i++;
        }
        return in.i > start;
    }

    /** {@code DQUOTE *( qdtext / quoted-pair ) DQUOTE} (RFC 9110 §5.6.4). */
    private static void quotedString(In in) {
        in.i++; // DQUOTE
        while (true) {
            int b = in.next();
            if (b == '"') {
                return;
            }
            if (b == '\\') {
                int q = in.next();
                if (!(q == HTAB || q == SP || isVchar(q) || isObsText(q))) {
                    in.i--;
                    throw in.invalid("quoted-pair");
                }
            } else if (!(b == HTAB || b == SP || b == 0x21 || (b >= 0x23 && b <= 0x5b) || (b >= 0x5d && b <= 0x7e) || isObsText(b))) {
                in.i--;
                throw in.invalid("qdtext: control byte in a quoted-string");
            }
        }
    }

    static String ascii(byte[] a, int from, int to) {
        return new String(a, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
