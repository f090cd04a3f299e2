package haystack.lb.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Forgiving HTTP/1.x parsing for the conformance test: the capture backend uses it to
 * count the requests a proxy sent and decode their bodies, the test client to read what
 * a proxy answered. It accepts what a lax real server would (bare LF, any whitespace,
 * a Transfer-Encoding ending in chunked wins over Content-Length) so that whatever a proxy
 * lets through is seen, and says where the bytes stop making sense.
 */
final class LenientHttp {

    private LenientHttp() {
    }

    /** A header field as received: name as sent, value trimmed. */
    record Field(String name, String value) {
        boolean is(String lower) {
            return name.trim().toLowerCase(Locale.ROOT).equals(lower);
        }
    }

    /** One message: its start line, fields, decoded body and the bytes it took. */
    record Message(String startLine, List<Field> fields, byte[] body, String rawHead, int end, boolean complete) {

        String first(String lowerName) {
            for (Field f : fields) {
                if (f.is(lowerName)) {
                    return f.value();
                }
            }
            return null;
        }

        List<String> all(String lowerName) {
            List<String> values = new ArrayList<>();
            for (Field f : fields) {
                if (f.is(lowerName)) {
                    values.add(f.value());
                }
            }
            return values;
        }

        String method() {
            int sp = startLine.indexOf(' ');
            return sp < 0 ? startLine : startLine.substring(0, sp);
        }

        String target() {
            String[] words = startLine.split(" ", -1);
            return words.length > 1 ? words[1] : "";
        }

        /** The status of a response, -1 when the start line has none. */
        int status() {
            if (startLine.length() < 12 || !startLine.startsWith("HTTP/")) {
                return -1;
            }
            try {
                return Integer.parseInt(startLine.substring(9, 12));
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /** Both Content-Length and Transfer-Encoding, or Content-Length values that differ: framing two parsers can read two ways. */
        boolean ambiguousFraming() {
            List<String> lengths = all("content-length");
            return (!lengths.isEmpty() && !all("transfer-encoding").isEmpty()) || lengths.stream().distinct().count() > 1;
        }

        String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** Thrown when the bytes cannot be read as HTTP/1.x at all. */
    static final class Unreadable extends Exception {
        final int at;

        Unreadable(String why, int at) {
            super(why);
            this.at = at;
        }
    }

    private static final int MAX_HEAD = 1 << 20;

    /** Index just past the empty line ending a head that starts at {@code from}, or -1 while incomplete. */
    static int headEnd(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] == '\n') {
                if (i + 1 < to && a[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < to && a[i + 1] == '\r' && a[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    /**
     * The request at {@code a[from, to)} (empty lines before it skipped); null while it has
     * not all arrived.
     */
    static Message request(byte[] a, int from, int to) throws Unreadable {
        int start = from;
        while (start < to && (a[start] == '\r' || a[start] == '\n')) {
            start++;
        }
        if (start == to) {
            return null;
        }
        int end = headEnd(a, start, to);
        if (end < 0) {
            if (to - start > MAX_HEAD) {
                throw new Unreadable("no end of head in " + (to - start) + " bytes", start);
            }
            return null;
        }
        String head = new String(a, start, end - start, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\n", -1);
        String startLine = stripCr(lines[0]);
        List<Field> fields = fields(lines);
        List<String> te = new ArrayList<>();
        String cl = null;
        for (Field f : fields) {
            if (f.is("transfer-encoding")) {
                te.add(f.value());
            } else if (f.is("content-length") && cl == null) {
                cl = f.value();
            }
        }
        Body body;
        if (!te.isEmpty() && lastCoding(String.join(",", te)).equals("chunked")) {
            body = chunked(a, end, to);
        } else {
            body = length(a, end, to, cl == null ? 0 : lenientLength(cl, end));
        }
        if (body == null) {
            return null;
        }
        return new Message(startLine, fields, body.bytes, head, body.end, true);
    }

    /**
     * The responses in {@code a[0, to)} in order, the last one possibly incomplete
     * ({@code complete} false: head or body still to come, or cut off when {@code ended}).
     * {@code firstIsHead}: the first answers a HEAD request. Bytes that do not start a
     * response end the list; {@link Responses#stray} counts them.
     */
    static Responses responses(byte[] a, int to, boolean firstIsHead, boolean ended) {
        List<Message> out = new ArrayList<>();
        int p = 0;
        boolean head = firstIsHead;
        while (p < to) {
            if (to - p < 5 && new String(a, p, to - p, StandardCharsets.ISO_8859_1).equals("HTTP/".substring(0, to - p))) {
                return new Responses(out, 0, true);
            }
            if (!new String(a, p, Math.min(5, to - p), StandardCharsets.ISO_8859_1).equals("HTTP/")) {
                return new Responses(out, to - p, false);
            }
            int end = headEnd(a, p, to);
            if (end < 0) {
                String partial = new String(a, p, to - p, StandardCharsets.ISO_8859_1);
                int lf = partial.indexOf('\n');
                out.add(new Message(stripCr(lf < 0 ? partial : partial.substring(0, lf)), List.of(), new byte[0], partial, to, false));
                return new Responses(out, 0, true);
            }
            String rawHead = new String(a, p, end - p, StandardCharsets.ISO_8859_1);
            String[] lines = rawHead.split("\n", -1);
            String startLine = stripCr(lines[0]);
            List<Field> fields = fields(lines);
            Message shell = new Message(startLine, fields, new byte[0], rawHead, end, true);
            int status = shell.status();
            Body body;
            List<String> te = shell.all("transfer-encoding");
            String cl = shell.first("content-length");
            boolean untilClose = false;
            if (head || (status >= 100 && status < 200) || status == 204 || status == 304) {
                body = new Body(new byte[0], end);
            } else if (!te.isEmpty()) {
                if (lastCoding(String.join(",", te)).equals("chunked")) {
                    try {
                        body = chunked(a, end, to);
                    } catch (Unreadable e) {
                        out.add(new Message(startLine, fields, new byte[0], rawHead, to, false));
                        return new Responses(out, 0, false);
                    }
                } else {
                    untilClose = true;
                    body = ended ? new Body(java.util.Arrays.copyOfRange(a, end, to), to) : null;
                }
            } else if (cl != null) {
                long n;
                try {
                    n = lenientLength(cl, end);
                } catch (Unreadable e) {
                    n = -1;
                }
                body = n < 0 ? null : length(a, end, to, n);
            } else {
                untilClose = true;
                body = ended ? new Body(java.util.Arrays.copyOfRange(a, end, to), to) : null;
            }
            if (body == null) {
                byte[] got = java.util.Arrays.copyOfRange(a, end, to);
                out.add(new Message(startLine, fields, got, rawHead, to, false));
                return new Responses(out, 0, !untilClose || !ended);
            }
            out.add(new Message(startLine, fields, body.bytes, rawHead, body.end, true));
            p = body.end;
            if (status == 101) {
                // a tunnel now: what follows is not HTTP
                return new Responses(out, to - p, false);
            }
            if (status < 100 || status >= 200) {
                head = false;
            }
        }
        return new Responses(out, 0, false);
    }

    /** What a client got: the responses, bytes after them that are not a response, and whether the last one is still arriving. */
    record Responses(List<Message> list, int stray, boolean waiting) {

        /** The final (non-1xx) responses, complete or not. */
        List<Message> finals() {
            return list.stream().filter(m -> m.status() < 100 || m.status() >= 200 || m.status() == 101).toList();
        }
    }

    private record Body(byte[] bytes, int end) {
    }

    private static Body length(byte[] a, int from, int to, long n) {
        if (to - from < n) {
            return null;
        }
        return new Body(java.util.Arrays.copyOfRange(a, from, (int) (from + n)), (int) (from + n));
    }

    /** Chunked body from {@code from}: decoded, or null while incomplete. Lax: bare LF, any extension, leading zeros, sizes below 2^52. */
    static Body chunked(byte[] a, int from, int to) throws Unreadable {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = from;
        while (true) {
            int lf = indexOf(a, p, to, (byte) '\n');
            if (lf < 0) {
                return null;
            }
            int digits = 0;
            int significant = 0;
            long size = 0;
            int i = p;
            while (i < lf && Character.digit(a[i], 16) >= 0 && a[i] > 0) {
                digits++;
                if (size != 0 || a[i] != '0') {
                    if (++significant > 13) {
                        throw new Unreadable("chunk size beyond 13 significant hex digits", p);
                    }
                }
                size = size << 4 | Character.digit(a[i], 16);
                i++;
            }
            if (digits == 0) {
                throw new Unreadable("chunk size is not hexadecimal", p);
            }
            p = lf + 1;
            if (size == 0) {
                while (true) {
                    int tl = indexOf(a, p, to, (byte) '\n');
                    if (tl < 0) {
                        return null;
                    }
                    boolean empty = tl == p || (tl == p + 1 && a[p] == '\r');
                    p = tl + 1;
                    if (empty) {
                        return new Body(out.toByteArray(), p);
                    }
                }
            }
            if (to - p < size) {
                return null;
            }
            out.write(a, p, (int) size);
            p += (int) size;
            if (p < to && a[p] == '\n') {
                p++;
            } else if (p + 1 < to && a[p] == '\r' && a[p + 1] == '\n') {
                p += 2;
            } else if (p + 1 >= to && (p == to || a[p] == '\r')) {
                return null;
            } else {
                throw new Unreadable("chunk data longer than its size", p);
            }
        }
    }

    private static long lenientLength(String value, int at) throws Unreadable {
        String v = value.trim();
        int comma = v.indexOf(',');
        if (comma >= 0) {
            v = v.substring(0, comma).trim();
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0 || n > MAX_HEAD * 64L) {
                throw new Unreadable("Content-Length " + value, at);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Unreadable("Content-Length " + value, at);
        }
    }

    private static String lastCoding(String list) {
        String[] codings = list.split(",");
        for (int i = codings.length - 1; i >= 0; i--) {
            String c = codings[i].trim().toLowerCase(Locale.ROOT);
            if (!c.isEmpty()) {
                return c;
            }
        }
        return "";
    }

    /** Field lines of a head split on LF (start line first, empty line last); lines without a colon are kept with an empty value. */
    private static List<Field> fields(String[] lines) {
        List<Field> fields = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = stripCr(lines[i]);
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            fields.add(colon < 0 ? new Field(line, "") : new Field(line.substring(0, colon), line.substring(colon + 1).trim()));
        }
        return fields;
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static int indexOf(byte[] a, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Bytes shown as text: printable ASCII as is, CR/LF as \r \n, anything else as \xNN; at most {@code max} bytes. */
    static String show(byte[] a, int from, int to, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < Math.min(to, from + max); i++) {
            int b = a[i] & 0xff;
            if (b == '\r') {
                s.append("\\r");
            } else if (b == '\n') {
                s.append("\\n");
            } else if (b >= 0x20 && b < 0x7f) {
                s.append((char) b);
            } else {
                s.append(String.format("\\x%02x", b));
            }
        }
        if (to - from > max) {
            s.append("...(").append(to - from).append(" bytes)");
        }
        return s.toString();
    }
}
