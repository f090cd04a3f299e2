package haystack.lb.internal.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link RequestHead#parse} and {@link RequestHead#forBackend} on what a client
 * sends: the input is a stream of pipelined requests, read as the proxy reads it (a head,
 * its body by Content-Length or {@link ChunkedBody}, the next head), up to 8 of them.
 * For any bytes:
 * <ul>
 * <li><b>bounded</b>: the checks of one input end within {@link Bounded}'s limit; a refusal
 * is an HttpException with a 4xx or 5xx status, never another exception;</li>
 * <li><b>nothing the grammar forbids</b>: every head the codec accepts is a valid head for
 * {@link Rfc9112}, read the same way (end, method, target, version, Host, Content-Length,
 * chunked), and so is every chunked body it takes in: the proxy and a backend reading by
 * the RFC see the same requests;</li>
 * <li><b>one verdict</b>: the same bytes elsewhere in an array, or followed by anything,
 * give the same head; a head cut short anywhere is awaited (null), never refused;</li>
 * <li><b>the head sent on is the same message</b>: {@code forBackend(null, "10.0.0.1")} parses
 * again to the same method, target (or its origin form), Host, version and framing, is all
 * head, ends its lines in CRLF, is valid where the client's was, and carries at most one
 * Content-Length and never both Content-Length and Transfer-Encoding.</li>
 * </ul>
 * The checks are invariants, not today's verdicts: a codec that refuses more passes them.
 * Regression mode runs the inputs under RequestHeadFuzzTestInputs/parse/; bench/fuzz/run.sh fuzzes.
 */
class RequestHeadFuzzTest {

    static final int MAX_HEAD = 16384;
    static final int MAX_MESSAGES = 8;
    static final String CLIENT = "10.0.0.1";

    @FuzzTest
    @DictionaryFile(resourcePath = "http-heads.dict")
    @DictionaryFile(resourcePath = "chunked.dict")
    void parse(byte[] input) throws Exception {
        Bounded.run(() -> check(input));
    }

    static void check(byte[] input) throws HttpException {
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(input));
        int to = input.length;
        int from = 0;
        for (int m = 0; m < MAX_MESSAGES && from < to; m++) {
            String codec = verdict(input, from, to);
            if (m == 0) {
                sameVerdictElsewhere(input, from, to, codec, random);
            }
            if (codec.startsWith("refused")) {
                return;
            }
            RequestHead h = parse(input, from, to);
            Rfc9112.Verdict g = Rfc9112.request(input, from, to);
            int start = from;
            if (h == null) {
                Finding.check(!g.valid(), "request head's end missed",
                        () -> "codec awaits more, grammar: " + g + " in " + Finding.show(input, start, to));
                return;
            }
            if (m == 0) {
                prefixesAwaited(input, from, h, random);
            }
            sentOnAsTheSameMessage(h, g);
            agreesWithGrammar(input, from, to, h, g);

            int body = from + h.length();
            if (h.upgrade()) {
                return; // what follows may be another protocol
            }
            if (h.chunked()) {
                ChunkedBodyFuzzTest.Scan scan = ChunkedBodyFuzzTest.scanInPieces(input, body, to, new int[] {to}, 400);
                ChunkedBodyFuzzTest.agreesWithGrammar(input, body, to, scan);
                if (!scan.ended()) {
                    return;
                }
                from = scan.end();
            } else {
                long length = Math.max(0, h.contentLength());
                if (length > to - body) {
                    return;
                }
                from = body + (int) length;
            }
        }
    }

    static RequestHead parse(byte[] a, int from, int to) throws HttpException {
        return RequestHead.parse(a, from, to, MAX_HEAD, new ConnectionFields());
    }

    /** The codec's verdict as text: "refused STATUS", "awaits more", or what the head says. */
    static String verdict(byte[] a, int from, int to) {
        try {
            RequestHead h = parse(a, from, to);
            return h == null ? "awaits more" : describe(h);
        } catch (HttpException e) {
            Finding.check(e.status() >= 400 && e.status() < 600, "request refused with a status that is no error",
                    () -> e.status() + " " + e.getMessage() + " for " + Finding.show(a, from, to));
            return "refused " + e.status();
        }
    }

    static String describe(RequestHead h) {
        return "head of " + h.length() + " bytes: " + h.method() + " " + h.target() + (h.http10() ? " HTTP/1.0" : " HTTP/1.1")
                + ", Host " + hostName(h.host()) + ", Content-Length " + h.contentLength() + (h.chunked() ? ", chunked" : "");
    }

    /**
     * A host without case (RFC 9110 §4.2.3): with an absolute target the codec names the
     * target's authority and the grammar the Host field, which may differ in case only.
     */
    static String hostName(String host) {
        return host == null ? null : host.toLowerCase(java.util.Locale.ROOT);
    }

    /** The head at {@code a[from, to)} copied into another array, at another offset and with other bytes around. */
    static void sameVerdictElsewhere(byte[] a, int from, int to, String codec, SplittableRandom random) {
        int offset = 1 + random.nextInt(8);
        byte[] elsewhere = ChunkedBodyFuzzTest.embed(Arrays.copyOfRange(a, from, to), offset, random);
        String there = verdict(elsewhere, offset, offset + to - from);
        Finding.check(there.equals(codec), "offset: the same bytes elsewhere in an array",
                () -> "at " + from + ": " + codec + "; at " + offset + " of another array: " + there + " for " + Finding.show(a, from, to));
    }

    /** A head cut short is awaited: refusing it, or taking it as whole, would judge bytes not yet come. */
    static void prefixesAwaited(byte[] a, int from, RequestHead h, SplittableRandom random) {
        int length = h.length();
        String whole = describe(h);
        String exact = verdict(a, from, from + length);
        Finding.check(exact.equals(whole), "a head read on its own reads otherwise",
                () -> "with what follows: " + whole + "; alone: " + exact + " for " + Finding.show(a, from, from + length));
        for (int cut : new int[] {length - 1, random.nextInt(length)}) {
            String part = verdict(a, from, from + cut);
            Finding.check(part.equals("awaits more"), "a head cut short is not awaited",
                    () -> "first " + cut + " of " + length + " bytes: " + part + " for " + Finding.show(a, from, from + length));
        }
    }

    /** forBackend: the head the backend gets is the same request, well formed. */
    static void sentOnAsTheSameMessage(RequestHead h, Rfc9112.Verdict g) {
        byte[] out = h.forBackend(null, CLIENT, "haystack-fuzz".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        RequestHead b;
        try {
            b = RequestHead.parse(out, 0, out.length, out.length + MAX_HEAD, new ConnectionFields());
        } catch (HttpException e) {
            throw Finding.of("backend head refused by the codec itself", e.status() + " " + e.getMessage() + ": " + Finding.show(out));
        }
        Finding.check(b != null, "backend head incomplete", () -> Finding.show(out));
        Finding.check(b.length() == out.length, "backend head: bytes after its end",
                () -> b.length() + " of " + out.length + " bytes: " + Finding.show(out));
        String before = describeMessage(h);
        String after = describeMessage(b);
        boolean sameTarget = b.target().equals(h.target()) || b.target().equals(originForm(h.target()));
        Finding.check(sameTarget && after.equals(before), "backend head is another message",
                () -> "client's: " + h.target() + " " + before + "; backend's: " + b.target() + " " + after + " in " + Finding.show(out));
        List<String> names = fieldNames(out);
        long lengths = names.stream().filter("content-length"::equals).count();
        Finding.check(lengths <= 1, "backend head: more than one Content-Length", () -> Finding.show(out));
        Finding.check(lengths == 0 || !names.contains("transfer-encoding"), "backend head: Content-Length and Transfer-Encoding",
                () -> Finding.show(out));
        if (g.valid()) {
            Rfc9112.Verdict again = Rfc9112.request(out, 0, out.length, true);
            Finding.check(again.valid() && again.end == out.length, "backend head breaks the grammar: " + again.rule,
                    () -> again + " in " + Finding.show(out));
        }
    }

    /** What must not change on the way to the backend (the target aside). */
    static String describeMessage(RequestHead h) {
        // the version is the proxy's own (HTTP/1.1), and no Host goes on as the empty Host RFC 9112 §3.2 asks for
        return h.method() + ", Host " + (h.host() == null ? "" : h.host()) + ", Content-Length " + h.contentLength()
                + (h.chunked() ? ", chunked" : "");
    }

    /** An absolute-form target's path and query ("/" when empty), which SPEC §5 forwards; any other target as it is. */
    static String originForm(String target) {
        int scheme = target.indexOf("://");
        if (scheme <= 0 || !target.substring(0, scheme).chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
            return target;
        }
        int path = scheme + 3;
        while (path < target.length() && target.charAt(path) != '/' && target.charAt(path) != '?') {
            path++;
        }
        String rest = target.substring(path);
        return rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest;
    }

    /** The field names of a head, in lower case (its first line skipped). */
    static List<String> fieldNames(byte[] head) {
        List<String> names = new ArrayList<>();
        String text = Rfc9112.ascii(head, 0, head.length);
        String[] lines = text.split("\r?\n", -1);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                names.add(lines[i].substring(0, colon).toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    /** Whatever the codec accepts the grammar accepts, and reads the same way. */
    static void agreesWithGrammar(byte[] a, int from, int to, RequestHead h, Rfc9112.Verdict g) {
        Finding.check(g.kind != Rfc9112.Kind.INVALID, "request head accepted against the grammar: " + g.rule,
                () -> describe(h) + "; grammar: " + g + " in " + Finding.show(a, from, to));
        Finding.check(g.valid(), "request head accepted before its end",
                () -> describe(h) + "; grammar: " + g + " in " + Finding.show(a, from, to));
        String codec = describe(h);
        // the codec hands on the origin form of an absolute target (SPEC §5)
        String grammar = "head of " + (g.end - from) + " bytes: " + g.method + " " + originForm(g.target) + (g.http10 ? " HTTP/1.0" : " HTTP/1.1")
                + ", Host " + hostName(g.host) + ", Content-Length " + g.contentLength + (g.chunked ? ", chunked" : "");
        Finding.check(codec.equals(grammar), "request head read otherwise than the grammar reads it",
                () -> "codec: " + codec + "; grammar: " + grammar + " in " + Finding.show(a, from, to));
    }
}
