package haystack.lb.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading responses off a plain socket, for tests that need to control every byte sent. */
final class RawHttp {

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: *(\\d+)");

    private RawHttp() {
    }

    /** One Content-Length framed response, head and body ({@code bodiless}: it answers HEAD). */
    static String readResponse(InputStream in, boolean bodiless) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString();
            }
            head.append((char) b);
        }
        Matcher m = CONTENT_LENGTH.matcher(head);
        return head + (m.find() && !bodiless ? new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.ISO_8859_1) : "");
    }
}
