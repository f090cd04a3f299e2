package haystack.lb.internal.codec;

/**
 * The fields of one head that belong to its connection and are not passed on (RFC 9110
 * §7.6.1): Connection, Keep-Alive, Proxy-Connection, and the fields the Connection header
 * names, except those the proxy reads to route and frame the message (Host,
 * Content-Length, Transfer-Encoding) and Upgrade, which it passes on itself: a sender
 * cannot make the proxy drop what keeps the two sides in step.
 * <p>
 * One instance per event loop and direction is filled by each parse and read while that
 * head is still in place, so no request allocates one. Positions are those in the parsed array.
 */
public final class ConnectionFields {

    private static final String[] KEPT = {"host", "content-length", "transfer-encoding", "upgrade"};
    private static final String[] OPTIONS = {"close", "keep-alive", "upgrade"};

    /** Lines of Connection, Keep-Alive and Proxy-Connection seen. */
    private int lineCount;
    /** Spans of the Connection values: from, to pairs. */
    private int[] values = new int[4];
    private int valueCount;
    private boolean namesFields;
    private boolean close;
    private boolean keepAlive;
    private boolean upgrade;

    void clear() {
        lineCount = 0;
        valueCount = 0;
        namesFields = false;
        close = false;
        keepAlive = false;
        upgrade = false;
    }

    /** Whether the field named {@code a[name, colon)} is connection-specific whatever Connection says. */
    static boolean isAlways(byte[] a, int name, int colon) {
        return switch (colon - name) {
            case 10 -> (a[name] | 0x20) == 'c' ? Tokens.equalsLower(a, name, colon, "connection")
                    : (a[name] | 0x20) == 'k' && Tokens.equalsLower(a, name, colon, "keep-alive");
            case 16 -> Tokens.equalsLower(a, name, colon, "proxy-connection");
            default -> false;
        };
    }

    /** Notes the field line starting at {@code a[line]} when it is connection-specific: name up to {@code colon}, value {@code a[valueFrom, valueTo)}. */
    void see(byte[] a, int line, int colon, int valueFrom, int valueTo) {
        if (!isAlways(a, line, colon)) {
            return;
        }
        lineCount++;
        if ((a[line] | 0x20) == 'c') {
            values = put(values, valueCount++, valueFrom, valueTo);
            close |= Tokens.listContains(a, valueFrom, valueTo, "close");
            keepAlive |= Tokens.listContains(a, valueFrom, valueTo, "keep-alive");
            upgrade |= Tokens.listContains(a, valueFrom, valueTo, "upgrade");
            namesFields |= Tokens.anyElement(a, valueFrom, valueTo, (x, start, end) -> !isOneOf(x, start, end, OPTIONS));
        }
    }

    private static int[] put(int[] pairs, int index, int from, int to) {
        int[] p = pairs.length < (index + 1) * 2 ? java.util.Arrays.copyOf(pairs, pairs.length * 2) : pairs;
        p[index * 2] = from;
        p[index * 2 + 1] = to;
        return p;
    }

    boolean isEmpty() {
        return lineCount == 0;
    }

    /** Whether Connection has the option close. */
    boolean close() {
        return close;
    }

    /** Whether Connection has the option keep-alive. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** Whether Connection has the option upgrade. */
    boolean upgrade() {
        return upgrade;
    }

    /** Whether Connection names fields beyond its own options,. */
    boolean namesFields() {
        return namesFields;
    }

    /** Whether the field named {@code a[name, colon)} is not passed on. */
    boolean drops(byte[] a, int name, int colon) {
        if (lineCount == 0) {
            return false;
        }
        if (isAlways(a, name, colon)) {
            return true;
        }
        if (!namesFields || isOneOf(a, name, colon, KEPT)) {
            return false;
        }
        for (int i = 0; i < valueCount; i++) {
            if (Tokens.listContains(a, values[i * 2], values[i * 2 + 1], a, name, colon)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOneOf(byte[] a, int from, int to, String[] lowerNames) {
        for (String lower : lowerNames) {
            if (Tokens.equalsLower(a, from, to, lower)) {
                return true;
            }
        }
        return false;
    }
}
