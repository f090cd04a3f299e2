package haystack.lb.internal.codec;

import java.util.Arrays;
import java.util.SplittableRandom;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link ChunkedBody#scan}, which follows chunked framing as a body passes through
 * the proxy. For any bytes:
 * <ul>
 * <li><b>bounded</b>: the checks of one input end within {@link Bounded}'s limit, and every
 * call throws HttpException with the status it was given, or returns -1 (not done: all of
 * it is body), or returns an index in (from, to] (done), as {@link ChunkedBody#done} says;</li>
 * <li><b>split-invariant</b>: the verdict (refused, ends at e, or more to come) is the same
 * whether the bytes come in one call, one by one, or in random pieces (empty ones too), and
 * wherever they sit in an array;</li>
 * <li><b>nothing the grammar forbids</b>: a body that ends at e is a whole chunked body
 * ending at e for {@link Rfc9112}, and bytes taken in with -1 are a valid beginning of one.</li>
 * </ul>
 * Regression mode runs the inputs under ChunkedBodyFuzzTestInputs/scan/; bench/fuzz/run.sh fuzzes.
 */
class ChunkedBodyFuzzTest {

    @FuzzTest
    @DictionaryFile(resourcePath = "chunked.dict")
    void scan(byte[] input) throws Exception {
        Bounded.run(() -> check(input));
    }

    static void check(byte[] input) {
        int n = input.length;
        Scan whole = scanInPieces(input, 0, n, new int[] {n}, 400);
        int[] oneByOne = new int[n];
        for (int i = 0; i < n; i++) {
            oneByOne[i] = i + 1;
        }
        Scan bytes = scanInPieces(input, 0, n, oneByOne, 400);
        Finding.check(bytes.equals(whole), "split: byte by byte",
                () -> "one call: " + whole + ", byte by byte: " + bytes + " for " + Finding.show(input));
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(input));
        int[] cuts = randomCuts(random, n);
        Scan pieces = scanInPieces(input, 0, n, cuts, 502);
        Finding.check(pieces.equals(whole.withStatus(502)), "split: random pieces",
                () -> "one call: " + whole + ", in pieces " + Arrays.toString(cuts) + ": " + pieces + " for " + Finding.show(input));
        int offset = 1 + random.nextInt(8);
        byte[] embedded = embed(input, offset, random);
        Scan there = scanInPieces(embedded, offset, offset + n, new int[] {offset + n}, 400);
        Finding.check(there.equals(whole.shifted(offset)), "offset: the same bytes elsewhere in an array",
                () -> "at 0: " + whole + ", at " + offset + ": " + there.shifted(-offset) + " for " + Finding.show(input));

        agreesWithGrammar(input, 0, n, whole);
    }

    /** A verdict of the codec on a chunked body: refused with a status, ended at an index, or more to come. */
    record Scan(int status, int end) {
        static final Scan MORE = new Scan(0, -1);

        static Scan refused(int status) {
            return new Scan(status, -1);
        }

        static Scan endsAt(int end) {
            return new Scan(0, end);
        }

        boolean refused() {
            return status != 0;
        }

        boolean ended() {
            return end >= 0;
        }

        Scan shifted(int offset) {
            return ended() ? endsAt(end + offset) : this;
        }

        Scan withStatus(int s) {
            return refused() ? refused(s) : this;
        }

        @Override
        public String toString() {
            return refused() ? "refused " + status : ended() ? "ends at " + end : "more to come";
        }
    }

    /**
     * Holds the codec's verdict on the chunked body at {@code a[from, to)} to the grammar:
     * what it takes in must be valid, and it must end where the grammar does.
     */
    static void agreesWithGrammar(byte[] a, int from, int to, Scan scan) {
        if (scan.refused()) {
            return;
        }
        int end = scan.end();
        Rfc9112.Verdict g = Rfc9112.chunked(a, from, to);
        if (scan.ended()) {
            Finding.check(g.kind != Rfc9112.Kind.INVALID, "chunked body accepted against the grammar: " + g.rule,
                    () -> "ends at " + end + ", grammar: " + g + " in " + Finding.show(a, from, to));
            Finding.check(g.valid() && g.end == end, "chunked body ends elsewhere than the grammar says",
                    () -> "ends at " + end + ", grammar: " + g + " in " + Finding.show(a, from, to));
        } else {
            Finding.check(g.kind != Rfc9112.Kind.INVALID, "chunked bytes passed on against the grammar: " + g.rule,
                    () -> "more to come, grammar: " + g + " in " + Finding.show(a, from, to));
            Finding.check(g.kind == Rfc9112.Kind.INCOMPLETE, "chunked body's end missed",
                    () -> "more to come, grammar: " + g + " in " + Finding.show(a, from, to));
        }
    }

    /**
     * Scans {@code a[from, to)} with one ChunkedBody in the pieces ending at {@code cuts}
     * (ascending, the last one {@code to}), checking each call; returns the verdict.
     */
    static Scan scanInPieces(byte[] a, int from, int to, int[] cuts, int badStatus) {
        ChunkedBody body = new ChunkedBody(badStatus);
        int start = from;
        for (int stop : cuts) {
            int r;
            try {
                r = body.scan(a, start, stop);
            } catch (HttpException e) {
                Finding.check(e.status() == badStatus, "scan: refused with another status than its own",
                        () -> e.status() + " from a ChunkedBody(" + badStatus + "): " + e.getMessage());
                return Scan.refused(e.status());
            }
            int callFrom = start;
            if (r == -1) {
                Finding.check(!body.done(), "scan: -1 but done()", () -> "scan(" + callFrom + ", " + stop + ") of " + Finding.show(a, from, to));
                start = stop;
                continue;
            }
            Finding.check(r > callFrom && r <= stop, "scan: an index outside (from, to]",
                    () -> "scan(" + callFrom + ", " + stop + ") = " + r + " of " + Finding.show(a, from, to));
            Finding.check(body.done(), "scan: an end but not done()", () -> "scan(" + callFrom + ", " + stop + ") = " + r);
            return Scan.endsAt(r);
        }
        return Scan.MORE;
    }

    /** Ascending cut points in (0, n], ending with n: pieces of 0 to 16 bytes. */
    static int[] randomCuts(SplittableRandom random, int n) {
        int[] cuts = new int[16];
        int count = 0;
        int p = 0;
        while (p < n) {
            p = Math.min(n, p + random.nextInt(17));
            if (count == cuts.length) {
                cuts = Arrays.copyOf(cuts, count * 2); // empty pieces make more cuts than bytes
            }
            cuts[count++] = p;
        }
        if (count == 0) {
            cuts[count++] = 0;
        }
        return Arrays.copyOf(cuts, count);
    }

    /** {@code input} at {@code offset} of a larger array, with line ends and random bytes around it. */
    static byte[] embed(byte[] input, int offset, SplittableRandom random) {
        byte[] a = new byte[offset + input.length + 8];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextBoolean() ? (byte) (i % 2 == 0 ? '\r' : '\n') : (byte) random.nextInt(256);
        }
        System.arraycopy(input, 0, a, offset, input.length);
        return a;
    }
}
