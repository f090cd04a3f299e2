package haystack.lb.internal;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One case of the differential conformance test ({@link ConformanceTest}): bytes a client
 * sends (a request vector) or bytes the backend answers a plain GET with (a response
 * vector), where they come from, and what SPEC §5 fixes about Haystack's answer.
 */
final class ConformanceVector {

    enum Kind { REQUEST, RESPONSE }

    /** A check of Haystack's trial beyond the comparison; returns what is wrong, or null. */
    @FunctionalInterface
    interface Check {
        String problem(ConformanceTest.Trial haystack);
    }

    final String name;
    final Kind kind;
    final String source;
    private final Function<ConformanceTest.Context, byte[]> bytes;
    /** Statuses Haystack must answer with (empty: the comparison alone decides). */
    final Set<Integer> expect = new TreeSet<>();
    /** Why Haystack refuses what HAProxy passes: a request vector then must be refused with nothing forwarded; a response vector may be. */
    String stricter;
    /** Not HTTP at all: answered or closed at once (SPEC §5), never left to a timeout. */
    boolean atOnce;
    /** Response vectors: Haystack must relay a complete response (SPEC says what to make of it). */
    boolean mustRelay;
    /** Response vectors: bytes that must never reach the client (the faulty framing passed raw). */
    String neverRaw;
    Check check;
    String checkWhat;

    private ConformanceVector(String name, Kind kind, String source, Function<ConformanceTest.Context, byte[]> bytes) {
        this.name = name;
        this.kind = kind;
        this.source = source;
        this.bytes = bytes;
    }

    static ConformanceVector request(String name, String source, String raw) {
        byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
        return new ConformanceVector(name, Kind.REQUEST, source, ctx -> b);
    }

    /** A request made at run time from what an earlier trial showed (Haystack's own Via). */
    static ConformanceVector request(String name, String source, Function<ConformanceTest.Context, String> raw) {
        return new ConformanceVector(name, Kind.REQUEST, source, ctx -> raw.apply(ctx).getBytes(StandardCharsets.ISO_8859_1));
    }

    static ConformanceVector response(String name, String source, String raw) {
        byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
        return new ConformanceVector(name, Kind.RESPONSE, source, ctx -> b);
    }

    byte[] bytes(ConformanceTest.Context ctx) {
        return bytes.apply(ctx);
    }

    ConformanceVector expect(Integer... statuses) {
        expect.addAll(Set.of(statuses));
        return this;
    }

    ConformanceVector stricter(String why) {
        this.stricter = why;
        return this;
    }

    ConformanceVector atOnce() {
        this.atOnce = true;
        return this;
    }

    ConformanceVector mustRelay() {
        this.mustRelay = true;
        return this;
    }

    ConformanceVector neverRaw(String marker) {
        this.neverRaw = marker;
        return this;
    }

    ConformanceVector check(String what, Check check) {
        this.checkWhat = what;
        this.check = check;
        return this;
    }

    @Override
    public String toString() {
        return name;
    }
}
