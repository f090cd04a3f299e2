package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The first chunk-size line, judged strictly (RFC 9112 §7.1). */
class ChunkedBodyGuardTest {

    private static String problem(String bytes) {
        return ChunkedBodyGuard.sizeLineProblem(ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void hexSizesWithOrWithoutExtensionsPass() {
        assertNull(problem("5\r\nhello\r\n"));
        assertNull(problem("1a;name=value\r\n"));
        assertNull(problem("0\r\n\r\n"));
    }

    @Test
    void aLineNotArrivedYetIsNotJudged() {
        assertNull(problem("1a"));
    }

    @Test
    void nonHexEmptyAndOverlongSizesAreProblems() {
        assertNotNull(problem("ZZZ\r\nhello\r\n"));
        assertNotNull(problem("\r\nhello\r\n"));
        assertNotNull(problem("-5\r\n"));
        assertNotNull(problem("FFFFFFFFFFFFFFFFF\r\n"));
        assertNotNull(problem("5".repeat(2000)));
    }
}
