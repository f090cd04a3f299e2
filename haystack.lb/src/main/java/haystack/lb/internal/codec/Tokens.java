package haystack.lb.internal.codec;

/** Byte classes of RFC 9110 §5.6 and small helpers shared by the head parsers. */
final class Tokens {

    private static final boolean[] TCHAR = new boolean[128];
    private static final boolean[] HOST_BYTE = new boolean[128];

    static {
        for (int c = 0; c < 128; c++) {
            HOST_BYTE[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~!$&'()*+,;=%:[]".indexOf(c) >= 0;
        }
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private Tokens() {
    }

    static boolean isToken(byte b) {
        return b > 0 && TCHAR[b];
    }

    /**
     * Bytes of a host and port (RFC 3986 §3.2.2, §3.2.3): unreserved, sub-delims,
     * percent-encoding, ':' and the brackets of an IP literal; no '@', '/', space or control.
     */
    static boolean isHostByte(byte b) {
        return b > 0 && HOST_BYTE[b];
    }

    /** Field-value bytes: visible, SP, HTAB and obs-text; no other control bytes. */
    static boolean isFieldByte(byte b) {
        return b == '\t' || (b >= 0x20 && b != 0x7f) || b < 0;
    }

    /** Whether {@code a[from, to)} equals the lower-case ASCII {@code lower}, ignoring case. */
    static boolean equalsLower(byte[] a, int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int b = a[from + i];
            if (b >= 'A' && b <= 'Z') {
                b += 32;
            }
            if (b != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code a[from, to)} and {@code b[bFrom, bTo)} are the same ASCII, ignoring case. */
    static boolean equalsIgnoreCase(byte[] a, int from, int to, byte[] b, int bFrom, int bTo) {
        if (to - from != bTo - bFrom) {
            return false;
        }
        for (int i = 0; i < to - from; i++) {
            int x = a[from + i];
            int y = b[bFrom + i];
            if (x != y && !(isLetter(x) && (x | 0x20) == (y | 0x20))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(int b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }

    /** Whether the comma-separated list {@code a[from, to)} holds {@code lower} as an element, ignoring case. */
    static boolean listContains(byte[] a, int from, int to, String lower) {
        return anyElement(a, from, to, (x, start, end) -> equalsLower(x, start, end, lower));
    }

    /** Whether the comma-separated list {@code a[from, to)} holds {@code b[bFrom, bTo)} as an element, ignoring case. */
    static boolean listContains(byte[] a, int from, int to, byte[] b, int bFrom, int bTo) {
        return anyElement(a, from, to, (x, start, end) -> equalsIgnoreCase(x, start, end, b, bFrom, bTo));
    }

    /** A test of one list element, {@code a[from, to)}, trimmed and never empty. */
    @FunctionalInterface
    interface ElementTest {
        boolean test(byte[] a, int from, int to);
    }

    /** Whether some element of the comma-separated list {@code a[from, to)} passes {@code test}. */
    static boolean anyElement(byte[] a, int from, int to, ElementTest test) {
        int i = from;
        while (i < to) {
            while (i < to && (a[i] == ' ' || a[i] == '\t' || a[i] == ',')) {
                i++;
            }
            int start = i;
            while (i < to && a[i] != ',') {
                i++;
            }
            int end = i;
            while (end > start && (a[end - 1] == ' ' || a[end - 1] == '\t')) {
                end--;
            }
            if (end > start && test.test(a, start, end)) {
                return true;
            }
        }
        return false;
    }

    /** A Content-Length value: 1 to 18 decimal digits, else -1. */
    static long decimal(byte[] a, int from, int to) {
        if (from == to || to - from > 18) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            n = n * 10 + d;
        }
        return n;
    }

    static String ascii(byte[] a, int from, int to) {
        return new String(a, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
