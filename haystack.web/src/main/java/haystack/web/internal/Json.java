package haystack.web.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/** A small JSON writer: objects, arrays, strings, numbers, booleans; commas placed for the caller. */
final class Json {

    private final StringBuilder out = new StringBuilder(256);
    /** Per open container: whether it has an element already. */
    private final Deque<boolean[]> open = new ArrayDeque<>();
    private boolean afterName;

    Json object() {
        element();
        out.append('{');
        open.push(new boolean[1]);
        return this;
    }

    Json end() {
        boolean[] top = open.pop();
        out.append(top.length == 1 ? '}' : ']');
        return this;
    }

    Json array() {
        element();
        out.append('[');
        open.push(new boolean[2]);
        return this;
    }

    Json name(String name) {
        element();
        quote(name);
        out.append(':');
        afterName = true;
        return this;
    }

    Json value(String s) {
        element();
        if (s == null) {
            out.append("null");
        } else {
            quote(s);
        }
        return this;
    }

    Json value(long n) {
        element();
        out.append(n);
        return this;
    }

    Json value(double d) {
        element();
        out.append(Double.isFinite(d) ? Double.toString(d) : "null");
        return this;
    }

    Json value(boolean b) {
        element();
        out.append(b);
        return this;
    }

    Json field(String name, String value) {
        return name(name).value(value);
    }

    Json field(String name, long value) {
        return name(name).value(value);
    }

    Json field(String name, double value) {
        return name(name).value(value);
    }

    /** A value already written as JSON (an object built by another {@code Json}). */
    Json raw(String json) {
        element();
        out.append(json);
        return this;
    }

    Json field(String name, boolean value) {
        return name(name).value(value);
    }

    private void element() {
        if (afterName) {
            afterName = false;
            return;
        }
        boolean[] top = open.peek();
        if (top != null) {
            if (top[0]) {
                out.append(',');
            }
            top[0] = true;
        }
    }

    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
