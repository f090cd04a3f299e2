package haystack.lb.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import haystack.lb.internal.codec.Rfc9112.Kind;
import org.junit.jupiter.api.Test;

/** The fuzz tests' reference grammar, checked on its own: a wrong reference makes wrong findings. */
class Rfc9112Test {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Rfc9112.Verdict chunked(String s) {
        byte[] a = bytes(s);
        return Rfc9112.chunked(a, 0, a.length);
    }

    private static Rfc9112.Verdict request(String s) {
        byte[] a = bytes(s);
        return Rfc9112.request(a, 0, a.length);
    }

    private static Rfc9112.Verdict response(String s, boolean toHead) {
        byte[] a = bytes(s);
        return Rfc9112.response(a, 0, a.length, toHead);
    }

    private static void invalid(Rfc9112.Verdict v, String rule) {
        assertEquals(Kind.INVALID, v.kind, v.toString());
        assertTrue(v.rule.contains(rule), v.rule);
    }

    @Test
    void chunkedBodiesEndWhereTheGrammarSays() {
        assertEquals(15, chunked("5\r\nhello\r\n0\r\n\r\nGET").end);
        assertTrue(chunked("5 ; a = \"q\\\"x\" ;b\t;c=d\r\nhello\r\n0\r\n\r\n").valid());
        assertTrue(chunked("fffffffffffffff\r\n").kind == Kind.INCOMPLETE, "15 digits, data to come");
        assertEquals(Kind.INCOMPLETE, chunked("5;a").kind);
        assertEquals(Kind.INCOMPLETE, chunked("5 ").kind);
        assertEquals(Kind.INCOMPLETE, chunked("5\r\nhel").kind);
        assertEquals(Kind.INCOMPLETE, chunked("0\r\nA: 1").kind);
        assertEquals(Kind.INCOMPLETE, chunked("").kind);
        assertTrue(chunked("0\r\nA: 1\r\nB:\r\n\r\n").valid());
    }

    @Test
    void chunkedFramingRulesOfSpec5() {
        invalid(chunked("0000000000000005\r\nhello\r\n0\r\n\r\n"), "more than 15 hex digits");
        invalid(chunked("8000000000000000\r\nx"), "more than 15 hex digits");
        invalid(chunked("5\nhello\r\n0\r\n\r\n"), "bare LF");
        invalid(chunked("5\r\nhello\n0\r\n\r\n"), "bare LF");
        invalid(chunked("0\r\n\n"), "bare LF");
        invalid(chunked("5\rX"), "bare CR");
        invalid(chunked("5 \r\nhello\r\n0\r\n\r\n"), "whitespace before the line end");
        invalid(chunked("5;a \r\n"), "whitespace before the line end");
        invalid(chunked("5 x\r\n"), "';' starts an extension");
        invalid(chunked("5;\r\n"), "chunk-ext-name");
        invalid(chunked("5;a=\r\n"), "chunk-ext-val");
        invalid(chunked("5;a=\u0001\r\n"), "chunk-ext-val");
        invalid(chunked("5;a=\"x\ny\"\r\n"), "qdtext");
        invalid(chunked("5\r\nhello!!\r\n"), "CRLF right after chunk-size bytes");
        invalid(chunked("0\r\nGET /admin HTTP/1.1\r\n\r\n"), "':' right after the field name");
        invalid(chunked("0\r\nA: 1\r\n folded\r\n\r\n"), "obs-fold");
        invalid(chunked("0\r\nA: \u007f\r\n\r\n"), "control byte");
        invalid(chunked("-5\r\n"), "1*HEXDIG");
    }

    @Test
    void requestHeadsAreReadAsTheRfcReadsThem() {
        Rfc9112.Verdict v = request("\r\nPOST /a?b HTTP/1.1\nHost:  shop:80 \r\nContent-Length: 05, 5\r\n\r\nhello");
        assertTrue(v.valid(), v.toString());
        assertEquals("POST", v.method);
        assertEquals("/a?b", v.target);
        assertEquals("shop:80", v.host);
        assertEquals(5, v.contentLength);
        assertFalse(v.http10);
        assertEquals(v.end, "\r\nPOST /a?b HTTP/1.1\nHost:  shop:80 \r\nContent-Length: 05, 5\r\n\r\n".length());
        Rfc9112.Verdict chunked = request("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, , Chunked\r\n\r\n");
        assertTrue(chunked.valid() && chunked.chunked, chunked.toString());
        assertTrue(request("GET / HTTP/1.0\r\n\r\n").valid());
        assertEquals(Long.MAX_VALUE, request("GET / HTTP/1.0\r\nContent-Length: 99999999999999999999\r\n\r\n").contentLength);
        assertEquals(Kind.INCOMPLETE, request("GET / HTTP/1.1\r\nHost: a\r\n").kind);
        assertFalse(Rfc9112.request(bytes("GET / HTTP/1.0\n\n"), 0, 16, true).valid(), "strict: CRLF only");
    }

    @Test
    void requestRulesOfSpec5() {
        invalid(request("GET / HTTP/1.1\r\n\r\n"), "Host: missing");
        invalid(request("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"), "Host: more than one");
        invalid(request("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), "HTTP/1.0");
        invalid(request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"), "with Content-Length");
        invalid(request("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"), "not the final");
        invalid(request("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), "more than once");
        invalid(request("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"), "without chunked last");
        invalid(request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"), "different values");
        invalid(request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n"), "1*DIGIT");
        invalid(request("\rGET / HTTP/1.1\r\nHost: a\r\n\r\n"), "bare CR");
        invalid(request("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"), "request-target");
        invalid(request("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n"), "':' right after");
        invalid(request("GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n"), "control byte");
        invalid(request("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), "HTTP-version");
        invalid(request("GET / HTTP\u000f1.1\r\nHost: a\r\n\r\n"), "HTTP-version");
    }

    @Test
    void responseFramingIsRfc9112Section6Point3() {
        assertEquals(Framing.LENGTH, response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false).framing);
        assertEquals(Framing.NONE, response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true).framing);
        assertEquals(Framing.NONE, response("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", false).framing);
        assertEquals(Framing.CHUNKED, response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 5\r\n\r\n", false).framing);
        assertEquals(Framing.UNTIL_CLOSE, response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\n", false).framing);
        assertEquals(Framing.UNTIL_CLOSE, response("HTTP/1.0 200\r\n\r\n", false).framing);
        assertEquals(999, response("HTTP/1.1 999 \r\n\r\n", false).status);
        invalid(response("HTTP/1.1 099 X\r\n\r\n", false), "below 100");
        invalid(response("HTTP/1.1 200 O\u0000K\r\n\r\n", false), "reason-phrase");
        invalid(response("HTTP/1.x 200 OK\r\n\r\n", false), "minor version");
        invalid(response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", false), "not the final");
        invalid(response("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false), "HTTP/1.0");
        invalid(response("\r\nHTTP/1.1 200 OK\r\n\r\n", false), "HTTP-version");
    }

    /** Every checked-in input named valid-* is valid for the reference (its first message, for heads). */
    @Test
    void theValidSeedsAreValid() throws IOException, URISyntaxException {
        Path codec = Path.of(Rfc9112Test.class.getResource("ChunkedBodyFuzzTestInputs").toURI()).getParent();
        int seen = 0;
        for (String dir : List.of("ChunkedBodyFuzzTestInputs/scan", "RequestHeadFuzzTestInputs/parse", "ResponseHeadFuzzTestInputs/parse")) {
            try (Stream<Path> files = Files.list(codec.resolve(dir))) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith("valid-")).toList()) {
                    byte[] a = Files.readAllBytes(f);
                    Rfc9112.Verdict v = dir.startsWith("Chunked") ? Rfc9112.chunked(a, 0, a.length)
                            : dir.startsWith("Request") ? Rfc9112.request(a, 0, a.length) : Rfc9112.response(a, 0, a.length, false);
                    assertNotEquals(Kind.INVALID, v.kind, f + ": " + v);
                    if (!f.getFileName().toString().contains("truncated")) {
                        assertTrue(v.valid(), f + ": " + v);
                    }
                    seen++;
                }
            }
        }
        assertTrue(seen > 30, seen + " seeds");
    }
}
