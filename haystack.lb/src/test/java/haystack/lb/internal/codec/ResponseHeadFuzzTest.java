package haystack.lb.internal.codec;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link ResponseHead#parse} and the head the client gets ({@link ResponseHead#sentAsIs},
 * {@link ResponseHead#rewriteInPlace}, {@link ResponseHead#copyForClient}, chosen as the
 * proxy's ClientHead chooses) on what a backend sends: the input is a stream of responses
 * (interim ones, then a final one), each head followed by its body as framed, up to 4, read
 * once as the answer to a GET and once as the answer to a HEAD. For any bytes:
 * <ul>
 * <li><b>bounded</b>: the checks of one input end within {@link Bounded}'s limit; a refusal
 * is an HttpException with status 502, never another exception;</li>
 * <li><b>nothing the grammar forbids</b>: every head the codec accepts is a valid head for
 * {@link Rfc9112} with the same end, status and framing (and Content-Length when that frames
 * it), and every chunked body it takes in is valid;</li>
 * <li><b>one verdict</b>: the same bytes elsewhere in an array, or followed by anything, give
 * the same head; a head cut short is awaited, never refused;</li>
 * <li><b>the client's head is the same response</b>: with each Connection field the proxy may
 * add, it is HTTP/1.1, parses again with the same status and framing, carries none of the
 * backend's connection fields, at most one Content-Length and never both Content-Length and
 * Transfer-Encoding, and is valid where the backend's was. (A 101 is passed on as it came.)</li>
 * </ul>
 * Regression mode runs the inputs under ResponseHeadFuzzTestInputs/parse/; bench/fuzz/run.sh fuzzes.
 */
class ResponseHeadFuzzTest {

    static final int MAX_HEAD = 16384;
    static final int MAX_MESSAGES = 4;
    private static final ConnectionHeader[] PROXY_CONNECTION = {ConnectionHeader.NONE, ConnectionHeader.CLOSE, ConnectionHeader.KEEP_ALIVE};

    @FuzzTest
    @DictionaryFile(resourcePath = "http-heads.dict")
    @DictionaryFile(resourcePath = "chunked.dict")
    void parse(byte[] input) throws Exception {
        Bounded.run(() -> {
            check(input, false);
            check(input, true);
        });
    }

    static void check(byte[] input, boolean requestWasHead) throws HttpException {
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(input) * 31 + (requestWasHead ? 1 : 0));
        int to = input.length;
        int from = 0;
        for (int m = 0; m < MAX_MESSAGES && from < to; m++) {
            String codec = verdict(input, from, to, requestWasHead);
            if (m == 0) {
                sameVerdictElsewhere(input, from, to, requestWasHead, codec, random);
            }
            if (codec.startsWith("refused")) {
                return;
            }
            ResponseHead r = parse(input, from, to, requestWasHead);
            Rfc9112.Verdict g = Rfc9112.response(input, from, to, requestWasHead);
            int start = from;
            if (r == null) {
                Finding.check(!g.valid(), "response head's end missed",
                        () -> "codec awaits more, grammar: " + g + " in " + Finding.show(input, start, to));
                return;
            }
            if (m == 0) {
                prefixesAwaited(input, from, requestWasHead, r, random);
            }
            if (r.status() != 101) {
                clientGetsTheSameResponse(input, from, requestWasHead, r, g);
            }
            agreesWithGrammar(input, from, to, r, g);

            int body = from + r.length();
            switch (r.status() == 101 ? Framing.UNTIL_CLOSE : r.framing()) {
                case NONE -> from = body;
                case LENGTH -> {
                    if (r.contentLength() > to - body) {
                        return;
                    }
                    from = body + (int) r.contentLength();
                }
                case CHUNKED -> {
                    ChunkedBodyFuzzTest.Scan scan = ChunkedBodyFuzzTest.scanInPieces(input, body, to, new int[] {to}, 502);
                    ChunkedBodyFuzzTest.agreesWithGrammar(input, body, to, scan);
                    if (!scan.ended()) {
                        return;
                    }
                    from = scan.end();
                }
                case UNTIL_CLOSE -> {
                    return;
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    static ResponseHead parse(byte[] a, int from, int to, boolean requestWasHead) throws HttpException {
        return ResponseHead.parse(a, from, to, MAX_HEAD, requestWasHead, false, new ConnectionFields());
    }

    /** The codec's verdict as text: "refused STATUS", "awaits more", or what the head says. */
    static String verdict(byte[] a, int from, int to, boolean requestWasHead) {
        try {
            ResponseHead r = parse(a, from, to, requestWasHead);
            return r == null ? "awaits more" : describe(r);
        } catch (HttpException e) {
            Finding.check(e.status() == 502, "response refused with another status than 502",
                    () -> e.status() + " " + e.getMessage() + " for " + Finding.show(a, from, to));
            return "refused " + e.status();
        }
    }

    static String describe(ResponseHead r) {
        return "head of " + r.length() + " bytes: " + r.status() + ", " + framing(r.framing(), r.contentLength());
    }

    private static String framing(Framing framing, long contentLength) {
        return framing == Framing.LENGTH ? "Content-Length " + contentLength : framing.name();
    }

    static void sameVerdictElsewhere(byte[] a, int from, int to, boolean requestWasHead, String codec, SplittableRandom random) {
        int offset = 1 + random.nextInt(8);
        byte[] elsewhere = ChunkedBodyFuzzTest.embed(Arrays.copyOfRange(a, from, to), offset, random);
        String there = verdict(elsewhere, offset, offset + to - from, requestWasHead);
        Finding.check(there.equals(codec), "offset: the same bytes elsewhere in an array",
                () -> "at " + from + ": " + codec + "; at " + offset + " of another array: " + there + " for " + Finding.show(a, from, to));
    }

    static void prefixesAwaited(byte[] a, int from, boolean requestWasHead, ResponseHead r, SplittableRandom random) {
        int length = r.length();
        String whole = describe(r);
        String exact = verdict(a, from, from + length, requestWasHead);
        Finding.check(exact.equals(whole), "a head read on its own reads otherwise",
                () -> "with what follows: " + whole + "; alone: " + exact + " for " + Finding.show(a, from, from + length));
        for (int cut : new int[] {length - 1, random.nextInt(length)}) {
            String part = verdict(a, from, from + cut, requestWasHead);
            Finding.check(part.equals("awaits more"), "a head cut short is not awaited",
                    () -> "first " + cut + " of " + length + " bytes: " + part + " for " + Finding.show(a, from, from + length));
        }
    }

    /** The head as ClientHead makes it, with each Connection field the proxy may add. */
    static void clientGetsTheSameResponse(byte[] input, int from, boolean requestWasHead, ResponseHead original, Rfc9112.Verdict g)
            throws HttpException {
        for (ConnectionHeader connection : PROXY_CONNECTION) {
            byte[] a = input.clone(); // rewriteInPlace writes over it
            ResponseHead r = parse(a, from, a.length, requestWasHead);
            byte[] client;
            String how;
            if (r.sentAsIs(connection)) {
                client = Arrays.copyOfRange(a, from, from + r.length());
                how = "as it came";
            } else if (r.rewritesInPlace(connection)) {
                int start = r.rewriteInPlace();
                client = Arrays.copyOfRange(a, start, from + r.length());
                how = "rewritten in place";
            } else {
                byte[] out = new byte[r.maxRewrittenLength()];
                client = Arrays.copyOf(out, r.copyForClient(connection, out));
                how = "copied with " + connection;
            }
            String context = how + ": " + Finding.show(client) + " from " + Finding.show(input, from, from + original.length());
            ResponseHead c;
            try {
                c = ResponseHead.parse(client, 0, client.length, client.length + MAX_HEAD, requestWasHead, false, new ConnectionFields());
            } catch (HttpException e) {
                throw Finding.of("client head refused by the codec itself", e.getMessage() + "; " + context);
            }
            Finding.check(c != null && c.length() == client.length, "client head: not one whole head", () -> context);
            Finding.check(c.status() == original.status() && c.framing() == original.framing()
                    && (c.framing() != Framing.LENGTH || c.contentLength() == original.contentLength()),
                    "client head is another response", () -> describe(original) + " became " + describe(c) + "; " + context);
            Finding.check(Rfc9112.ascii(client, 0, Math.min(9, client.length)).equals("HTTP/1.1 "), "client head: not HTTP/1.1",
                    () -> context);
            List<String> names = RequestHeadFuzzTest.fieldNames(client);
            long lengths = names.stream().filter("content-length"::equals).count();
            Finding.check(lengths <= 1, "client head: more than one Content-Length", () -> context);
            Finding.check(lengths == 0 || !names.contains("transfer-encoding"), "client head: Content-Length and Transfer-Encoding",
                    () -> context);
            long connections = names.stream().filter("connection"::equals).count();
            Finding.check(connections == (connection == ConnectionHeader.NONE ? 0 : 1)
                    && !names.contains("keep-alive") && !names.contains("proxy-connection"),
                    "client head: the backend's connection fields", () -> context);
            if (g.valid()) {
                Rfc9112.Verdict again = Rfc9112.response(client, 0, client.length, requestWasHead);
                Finding.check(again.valid() && again.end == client.length, "client head breaks the grammar: " + again.rule,
                        () -> again + "; " + context);
            }
        }
    }

    static void agreesWithGrammar(byte[] a, int from, int to, ResponseHead r, Rfc9112.Verdict g) {
        Finding.check(g.kind != Rfc9112.Kind.INVALID, "response head accepted against the grammar: " + g.rule,
                () -> describe(r) + "; grammar: " + g + " in " + Finding.show(a, from, to));
        Finding.check(g.valid(), "response head accepted before its end",
                () -> describe(r) + "; grammar: " + g + " in " + Finding.show(a, from, to));
        String codec = describe(r);
        String grammar = "head of " + (g.end - from) + " bytes: " + g.status + ", " + framing(g.framing, g.contentLength);
        Finding.check(codec.equals(grammar), "response head read otherwise than the grammar reads it",
                () -> "codec: " + codec + "; grammar: " + grammar + " in " + Finding.show(a, from, to));
    }
}
