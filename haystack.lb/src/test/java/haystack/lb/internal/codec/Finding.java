package haystack.lb.internal.codec;

import java.util.function.Supplier;

/**
 * A broken invariant of the codec, as the fuzz tests report it. Jazzer tells findings apart
 * by their stack traces (messages left out), so the invariant's rule goes in as the top
 * frame: with {@code jazzer.keep_going} each rule is one finding however many inputs break
 * it, and two rules broken at the same line of a test are two findings.
 */
final class Finding {

    private Finding() {
    }

    static AssertionError of(String rule, String message) {
        AssertionError e = new AssertionError(rule + ": " + message);
        StackTraceElement[] trace = e.getStackTrace();
        StackTraceElement[] withRule = new StackTraceElement[trace.length + 1];
        withRule[0] = new StackTraceElement("invariant", rule, null, -1);
        System.arraycopy(trace, 0, withRule, 1, trace.length);
        e.setStackTrace(withRule);
        return e;
    }

    /** Throws the finding {@code rule} unless {@code holds}; the message is only made then. */
    static void check(boolean holds, String rule, Supplier<String> message) {
        if (!holds) {
            throw of(rule, message.get());
        }
    }

    /** {@code a[from, to)} as a Java string literal would show it, cut after 400 characters. */
    static String show(byte[] a, int from, int to) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = from; i < to && s.length() < 400; i++) {
            int b = a[i] & 0xff;
            switch (b) {
                case '\r' -> s.append("\\r");
                case '\n' -> s.append("\\n");
                case '\t' -> s.append("\\t");
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                default -> s.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
            }
        }
        return s.length() >= 400 ? s + "...\" (" + (to - from) + " bytes)" : s + "\"";
    }

    static String show(byte[] a) {
        return show(a, 0, a.length);
    }
}
