package haystack.lb.internal.http;

/**
 * The fields of one head that belong to its connection and are not passed on (RFC 9110
 * §7.6.1): Connection, Keep-Alive, Proxy-Connection, and the fields the Connection header
 * names, except those the proxy reads to route and frame the message (Host,
 * Content-Length, Transfer-Encoding) and Upgrade, which it passes on itself: a sender
 * cannot make the proxy drop what keeps the two sides in step.
 */
final class ConnectionFields {

    private static final String[] ALWAYS = {"connection", "keep-alive", "proxy-connection"};
    private static final String[] KEPT = {"host", "content-length", "transfer-encoding", "upgrade"};
    private static final String[] OPTIONS = {"close", "keep-alive", "upgrade"};

    /** Spans of the Connection values seen, as from, to pairs. */
    private int[] values;
    private int count;
    private boolean present;
    private boolean namesFields;

    /** Notes the field whose name is {@code a[name, colon)} and value {@code a[valueFrom, valueTo)}. */
    void see(byte[] a, int name, int colon, int valueFrom, int valueTo) {
        if (isAlways(a, name, colon)) {
            present = true;
            if (Tokens.equalsLower(a, name, colon, "connection")) {
                addConnection(a, valueFrom, valueTo);
            }
        }
    }

    private void addConnection(byte[] a, int from, int to) {
        if (values == null) {
            values = new int[4];
        } else if (values.length < (count + 1) * 2) {
            values = java.util.Arrays.copyOf(values, values.length * 2);
        }
        values[count * 2] = from;
        values[count * 2 + 1] = to;
        count++;
        namesFields |= Tokens.anyElement(a, from, to, (x, start, end) -> !isOneOf(x, start, end, OPTIONS));
    }

    /** Whether any field seen so far is not to be passed on. */
    boolean any() {
        return present;
    }

    /** Whether the field named {@code a[name, colon)} stays on this side of the proxy. */
    boolean drops(byte[] a, int name, int colon) {
        if (!present) {
            return false;
        }
        if (isAlways(a, name, colon)) {
            return true;
        }
        if (!namesFields || isOneOf(a, name, colon, KEPT)) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (Tokens.listContains(a, values[i * 2], values[i * 2 + 1], a, name, colon)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAlways(byte[] a, int name, int colon) {
        int n = colon - name;
        return (n == 10 || n == 16) && isOneOf(a, name, colon, ALWAYS);
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
