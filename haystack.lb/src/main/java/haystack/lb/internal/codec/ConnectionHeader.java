package haystack.lb.internal.codec;

import java.nio.charset.StandardCharsets;

/** The Connection field the proxy writes itself on one side, after dropping what the other side sent. */
public enum ConnectionHeader {
    NONE(null),
    CLOSE("close"),
    KEEP_ALIVE("keep-alive"),
    UPGRADE("upgrade");

    private final byte[] line;

    ConnectionHeader(String option) {
        this.line = option == null ? new byte[0] : ("Connection: " + option + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The field line with its CRLF; empty for {@link #NONE}. */
    int put(byte[] out, int p) {
        return HeadScanner.put(out, p, line, 0, line.length);
    }

    int length() {
        return line.length;
    }
}
