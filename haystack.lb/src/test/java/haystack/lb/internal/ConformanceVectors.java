package haystack.lb.internal;

import static haystack.lb.internal.ConformanceVector.request;
import static haystack.lb.internal.ConformanceVector.response;

import java.util.ArrayList;
import java.util.List;

/**
 * The vectors of {@link ConformanceTest}: requests a client sends to both proxies, and
 * responses the backend gives both proxies to a plain GET.
 * <p>
 * Expectations come from SPEC §5 ("HTTP/1.1 framing is strict") and RFC 9112/9110, never
 * from what today's codec does. Without a note a vector only asks Haystack to do what
 * HAProxy 2.6 does (forward the same requests with the same bodies, or forward nothing);
 * {@code expect} fixes Haystack's status where the SPEC does; {@code stricter} says why
 * Haystack refuses what HAProxy passes.
 * <p>
 * All 236 pass against the strict codec; against the codec before it (fb8dfec) 61 failed:
 * no Via, absolute form routed by Host, missing Host a 404, lower-case versions, TE on
 * HTTP/1.0 forwarded, chunk sizes that overflow (two spun an event loop for good), bare LF
 * and free-form extensions and trailers passed raw, CL beside TE and an unasked 101
 * relayed to clients, and bytes that are not HTTP left waiting.
 */
final class ConformanceVectors {

    static final String H = "cap.services.haystack";
    private static final String HOST = "Host: " + H + "\r\n";
    private static final String CHUNKED_HELLO = "5\r\nhello\r\n0\r\n\r\n";

    private ConformanceVectors() {
    }

    private static String get(String fields) {
        return "GET / HTTP/1.1\r\n" + HOST + fields + "\r\n";
    }

    private static String post(String fields, String body) {
        return "POST / HTTP/1.1\r\n" + HOST + fields + "\r\n" + body;
    }

    /** A POST whose body is framed by {@code te} (a whole field line with CRLF, or several) and chunked as {@code body}. */
    private static String chunked(String te, String body) {
        return post(te, body);
    }

    /** One chunk holding {@code data}. */
    private static String chunk(String data) {
        return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
    }

    private static String teChunked(String body) {
        return chunked("Transfer-Encoding: chunked\r\n", body);
    }

    // RFC citations used more than once
    private static final String CL_TE = "RFC 9112 §6.1: a request with both Transfer-Encoding and Content-Length is a smuggling "
            + "attempt the server MAY reject (SPEC §5: refused); HAProxy drops CL and forwards";
    private static final String OBS_FOLD = "RFC 9112 §5.2: a server MUST reject obs-fold with 400 or unfold it; SPEC §5 refuses, HAProxy unfolds";
    private static final String CTL_IN_VALUE = "RFC 9110 §5.5: a field value is VCHAR/obs-text/SP/HTAB; a control byte makes it "
            + "invalid (SPEC §5: control bytes are refused); HAProxy passes it";
    private static final String CHUNK_EXT = "RFC 9112 §7.1.1: chunk-ext = *( BWS \";\" BWS name [ BWS \"=\" BWS token/quoted-string ] ); "
            + "SPEC §5: extensions follow the grammar; HAProxy skips anything up to CRLF";
    private static final String NUL = "RFC 9110 §5.5: a recipient MUST reject NUL in a field value or replace it with SP "
            + "before forwarding (SPEC §5: control bytes are refused); HAProxy passes it as is";
    private static final String TE_HTTP10 = "RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message MUST be treated as faulty "
            + "framing (SPEC §5: 400); HAProxy de-chunks and forwards";
    private static final String CHUNK_LF = "RFC 9112 §7.1: chunk lines end in CRLF (§2.2's leave to accept a bare LF covers the "
            + "start line and fields only); SPEC §5: bare LF inside framing is refused; HAProxy takes LF";
    private static final String NO_HOST = "RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host (SPEC §5); "
            + "HAProxy forwards it";
    private static final String REQUEST_LINE_WS = "RFC 9112 §3: one SP between the parts; parsing on any whitespace is allowed "
            + "but named a smuggling risk (§3, §11.2), and SPEC §5 is strict; HAProxy accepts";
    private static final String MAJOR_VERSION = "RFC 9110 §6.2/§15.6.6: a major version the server does not speak gets 505 "
            + "(SPEC §5); HAProxy forwards it as HTTP/1.1";
    private static final String TRAILER_LF = "SPEC §5: bare LF inside chunked framing, trailers included, is refused "
            + "(RFC 9112 §2.2 only lets a recipient accept it); HAProxy takes it";
    private static final String CHUNK_DIGITS = "SPEC §5: a chunk size is at most 15 hex digits, whatever their value (where 64-bit "
            + "parsers start to overflow); HAProxy only bounds the value, so leading zeros pass";

    static List<ConformanceVector> requests() {
        List<ConformanceVector> v = new ArrayList<>();

        // --- well-formed requests: both forward, and the backend gets the same ------------------------
        v.add(request("get-origin-form", "RFC 9112 §3.2.1", get("")));
        v.add(request("via-added", "SPEC §5 / RFC 9110 §7.6.3", get(""))
                .check("the forwarded request carries a Via naming this proxy", t -> t.forwardedField("via") != null ? null
                        : "the backend got no Via header"));
        v.add(request("get-path-and-query", "RFC 9112 §3.2.1", "GET /a/b?x=1&y=%20z HTTP/1.1\r\n" + HOST + "\r\n")
                .check("the target reaches the backend unchanged", t -> t.forwardedTarget("/a/b?x=1&y=%20z")));
        v.add(request("head", "RFC 9110 §9.3.2", "HEAD / HTTP/1.1\r\n" + HOST + "\r\n"));
        v.add(request("options-asterisk", "RFC 9112 §3.2.4", "OPTIONS * HTTP/1.1\r\n" + HOST + "\r\n"));
        v.add(request("post-content-length", "RFC 9112 §6.2", post("Content-Length: 5\r\n", "hello")));
        v.add(request("post-content-length-zero", "RFC 9112 §6.2", post("Content-Length: 0\r\n", "")));
        v.add(request("post-chunked", "RFC 9112 §7.1", teChunked(CHUNKED_HELLO)));
        v.add(request("post-chunked-two-chunks", "RFC 9112 §7.1", teChunked("2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n")));
        v.add(request("chunk-size-upper-hex", "RFC 9112 §7.1", teChunked("A\r\n0123456789\r\n0\r\n\r\n")));
        v.add(request("chunk-size-lower-hex", "RFC 9112 §7.1", teChunked("a\r\n0123456789\r\n0\r\n\r\n")));
        v.add(request("chunk-size-leading-zeros", "RFC 9112 §7.1 (1*HEXDIG)", teChunked("0005\r\nhello\r\n0\r\n\r\n")));
        v.add(request("chunk-size-15-digits", "SPEC §5 (15 hex digits at most)", teChunked("000000000000005\r\nhello\r\n0\r\n\r\n")));
        v.add(request("chunked-trailer-field", "RFC 9112 §7.1.2", teChunked("5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n")));
        v.add(request("chunked-body-holds-a-request", "PortSwigger (body is data, not a request)",
                teChunked(chunk("GET /smuggled HTTP/1.1\r\nHost: evil\r\n\r\n") + "0\r\n\r\n")));
        v.add(request("get-with-content-length-body", "RFC 9110 §9.3.1", "GET / HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\n\r\nhello"));
        v.add(request("get-with-chunked-body", "RFC 9110 §9.3.1", "GET / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n" + CHUNKED_HELLO));
        v.add(request("empty-line-before-request", "RFC 9112 §2.2 (SHOULD ignore one empty line)", "\r\nGET / HTTP/1.1\r\n" + HOST + "\r\n"));
        v.add(request("http10-with-host", "RFC 9112 §2.3", "GET / HTTP/1.0\r\n" + HOST + "\r\n"));
        v.add(request("http10-keep-alive-pipelined", "RFC 9112 §9.3 / RFC 2068 keep-alive",
                "GET /1 HTTP/1.0\r\n" + HOST + "Connection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n" + HOST + "Connection: keep-alive\r\n\r\n"));
        v.add(request("http10-no-keep-alive-pipelined", "RFC 9112 §9.3 (HTTP/1.0 closes)",
                "GET /1 HTTP/1.0\r\n" + HOST + "\r\nGET /2 HTTP/1.0\r\n" + HOST + "\r\n"));
        v.add(request("pipelined-two-gets", "RFC 9112 §9.3.2", "GET /1 HTTP/1.1\r\n" + HOST + "\r\nGET /2 HTTP/1.1\r\n" + HOST + "\r\n"));
        v.add(request("pipelined-post-then-get", "RFC 9112 §9.3.2",
                "POST /1 HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\n\r\nhelloGET /2 HTTP/1.1\r\n" + HOST + "\r\n"));
        v.add(request("pipelined-chunked-then-get", "RFC 9112 §9.3.2",
                "POST /1 HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n" + CHUNKED_HELLO + "GET /2 HTTP/1.1\r\n" + HOST + "\r\n"));
        v.add(request("connection-close-then-more", "RFC 9112 §9.6",
                "GET /1 HTTP/1.1\r\n" + HOST + "Connection: close\r\n\r\nGET /2 HTTP/1.1\r\n" + HOST + "\r\n"));
        v.add(request("expect-100-continue", "RFC 9110 §10.1.1", post("Content-Length: 5\r\nExpect: 100-continue\r\n", "hello")));
        v.add(request("expect-unknown", "RFC 9110 §10.1.1", post("Content-Length: 5\r\nExpect: x-custom\r\n", "hello")));
        v.add(request("upgrade-without-connection-upgrade", "RFC 9110 §7.8", get("Upgrade: websocket\r\n")));
        v.add(request("websocket-upgrade-answered-200", "RFC 6455 §4.1 / RFC 9110 §7.8",
                get("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n")));
        v.add(request("h2c-upgrade", "RFC 7540 §3.2 (h2c, obsoleted by RFC 9113)",
                get("Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n")));
        v.add(request("connection-names-content-length", "RFC 9110 §7.6.1 (hop-by-hop abuse)",
                post("Connection: Content-Length\r\nContent-Length: 5\r\n", "hello")));
        v.add(request("connection-names-transfer-encoding", "RFC 9110 §7.6.1 (hop-by-hop abuse)",
                post("Connection: Transfer-Encoding\r\nTransfer-Encoding: chunked\r\n", CHUNKED_HELLO)));
        v.add(request("connection-names-host", "RFC 9110 §7.6.1 (hop-by-hop abuse)", get("Connection: Host\r\n")));
        v.add(request("via-from-another-proxy", "RFC 9110 §7.6.3", get("Via: 1.1 edge\r\n"))
                .check("the client's Via is kept and this proxy's appended", t -> {
                    String via = t.forwardedField("via");
                    return via != null && via.startsWith("1.1 edge") && via.length() > "1.1 edge".length() ? null
                            : "Via at the backend: " + via;
                }));
        v.add(request("via-loop", "SPEC §5 / RFC 9110 §7.6.3",
                ctx -> "GET / HTTP/1.1\r\n" + HOST + "Via: " + ctx.haystackVia() + "\r\n\r\n")
                .check("the loop is built from the Via Haystack adds", t -> new String(t.sent(), java.nio.charset.StandardCharsets.ISO_8859_1)
                        .contains(ConformanceTest.NO_VIA) ? "Haystack added no Via to a plain forwarded GET, so this loop carried a stand-in" : null)
                .expect(508).stricter("SPEC §5: a request already carrying this instance's Via is a loop: 508, never proxied "
                        + "(RFC 9110 §7.6.3: Via is how loops are found); HAProxy does not look at Via"));
        v.add(request("method-lowercase", "RFC 9110 §9.1 (methods are case-sensitive tokens)", "get / HTTP/1.1\r\n" + HOST + "\r\n"));
        v.add(request("method-unknown", "RFC 9110 §9.1", "PROPFIND / HTTP/1.1\r\n" + HOST + "\r\n"));
        v.add(request("absolute-form-with-host", "RFC 9112 §3.2.2 / SPEC §5",
                "GET http://" + H + "/x?y=1 HTTP/1.1\r\n" + HOST + "\r\n")
                .check("forwarded in origin form", t -> t.forwardedTarget("/x?y=1")));
        v.add(request("absolute-form-with-port", "RFC 9112 §3.2.2 / SPEC §5 (port ignored)",
                "GET http://" + H + ":80/x HTTP/1.1\r\nHost: " + H + ":80\r\n\r\n")
                .check("forwarded in origin form", t -> t.forwardedTarget("/x")));
        v.add(request("absolute-form-conflicting-host", "RFC 9112 §3.2.2 / SPEC §5",
                "GET http://" + H + "/x HTTP/1.1\r\nHost: other.example\r\n\r\n")
                // RFC 9110 §7.2: a client MUST send Host identical to the authority. HAProxy refuses
                // the mismatch, and Haystack may be no laxer: a proxy and its backend that pick
                // different hosts out of one request are a routing-confusion vector.
                .expect(400));
        v.add(request("absolute-form-http10-no-host", "RFC 9112 §3.2.2 / SPEC §5", "GET http://" + H + "/x HTTP/1.0\r\n\r\n")
                .check("routed by the authority, forwarded in origin form", t -> t.forwardedTarget("/x")));
        v.add(request("absolute-form-no-host", "RFC 9112 §3.2 / SPEC §5", "GET http://" + H + "/x HTTP/1.1\r\n\r\n")
                .expect(400).stricter(NO_HOST + " (taking the authority)"));
        v.add(request("absolute-form-authority-not-routed", "RFC 9112 §3.2.2 / SPEC §5",
                "GET http://other.services.haystack/x HTTP/1.1\r\n" + HOST + "\r\n")
                // the authority (SPEC §5: it is the host) names no service: 404; or the Host mismatch: 400, as HAProxy
                .expect(400, 404));
        v.add(request("connect-authority-form", "RFC 9110 §9.3.6 / RFC 9112 §3.2.3", "CONNECT " + H + ":443 HTTP/1.1\r\nHost: " + H + ":443\r\n\r\n")
                .expect(405).stricter("SPEC §5: Haystack is a gateway, not a forward proxy: CONNECT would tunnel to any host (nginx answers 405 too)"));
        v.add(request("asterisk-form-with-get", "RFC 9112 §3.2.4 (only OPTIONS)", "GET * HTTP/1.1\r\n" + HOST + "\r\n")
                .expect(400).stricter("RFC 9112 §3.2.4: the asterisk form is only for a server-wide OPTIONS; a GET of '*' names no resource"));

        // --- Host ---------------------------------------------------------------------------------------
        v.add(request("host-missing-http11", "RFC 9112 §3.2 / SPEC §5", "GET / HTTP/1.1\r\n\r\n").expect(400).stricter(NO_HOST));
        v.add(request("host-missing-http10", "RFC 9112 §3.2", "GET / HTTP/1.0\r\n\r\n")
                .expect(404).stricter("not framing: Haystack routes by Host (SPEC §5), and no Host names no service: 404. "
                        + "HAProxy sends everything to its one backend"));
        v.add(request("host-twice-same", "RFC 9112 §3.2 (MUST 400)", "GET / HTTP/1.1\r\n" + HOST + HOST + "\r\n").expect(400)
                .stricter("RFC 9112 §3.2: a server MUST answer 400 to more than one Host field line; HAProxy merges identical ones"));
        v.add(request("host-twice-different", "RFC 9112 §3.2 (MUST 400)", "GET / HTTP/1.1\r\n" + HOST + "Host: other.example\r\n\r\n").expect(400));
        v.add(request("host-empty", "RFC 9112 §3.2", "GET / HTTP/1.1\r\nHost: \r\n\r\n")
                .expect(400, 404).stricter("not framing: an empty Host names no service (SPEC §5 routes by Host): 404. "
                        + "HAProxy sends everything to its one backend"));
        v.add(request("host-with-port", "SPEC §5 (port ignored)", "GET / HTTP/1.1\r\nHost: " + H + ":8080\r\n\r\n"));
        v.add(request("host-upper-case", "SPEC §5 (case-insensitive)", "GET / HTTP/1.1\r\nHost: CAP.Services.Haystack\r\n\r\n"));
        v.add(request("host-list", "RFC 9112 §3.2 (invalid Host: MUST 400)", "GET / HTTP/1.1\r\nHost: " + H + ", other.example\r\n\r\n").expect(400)
                .stricter("RFC 9112 §3.2: a server MUST answer 400 to an invalid Host (a list is no uri-host [\":\" port]); HAProxy forwards it"));
        v.add(request("host-nul", "http-garden (NUL in field value)", "GET / HTTP/1.1\r\nHost: " + H + "\000\r\n\r\n").expect(400).stricter(NUL));

        // --- request line --------------------------------------------------------------------------------
        v.add(request("version-lower-case", "RFC 9112 §2.3 (HTTP-name is case-sensitive)", "GET / http/1.1\r\n" + HOST + "\r\n").expect(400, 505));
        v.add(request("version-1.2", "RFC 9110 §6.2 (a higher minor version is served as 1.1)", "GET / HTTP/1.2\r\n" + HOST + "\r\n"));
        v.add(request("version-2.0", "RFC 9110 §15.6.6 / SPEC §5", "GET / HTTP/2.0\r\n" + HOST + "\r\n").expect(505).stricter(MAJOR_VERSION));
        v.add(request("version-3.0", "RFC 9110 §15.6.6 / SPEC §5", "GET / HTTP/3.0\r\n" + HOST + "\r\n").expect(505).stricter(MAJOR_VERSION));
        v.add(request("version-0.9", "RFC 9112 §2.3 / SPEC §5", "GET / HTTP/0.9\r\n" + HOST + "\r\n").expect(400, 505).stricter(MAJOR_VERSION));
        v.add(request("version-1.10", "RFC 9112 §2.3 (one digit each)", "GET / HTTP/1.10\r\n" + HOST + "\r\n").expect(400, 505));
        v.add(request("version-no-minor", "RFC 9112 §2.3", "GET / HTTP/1\r\n" + HOST + "\r\n").expect(400, 505));
        v.add(request("http09-simple-request", "RFC 9112 §2.3 (no HTTP/0.9)", "GET /\r\n\r\n").expect(400, 505));
        v.add(request("request-line-two-spaces", "RFC 9112 §3 (single SP)", "GET  / HTTP/1.1\r\n" + HOST + "\r\n").expect(400).stricter(REQUEST_LINE_WS));
        v.add(request("request-line-tabs", "RFC 9112 §3 (single SP)", "GET\t/\tHTTP/1.1\r\n" + HOST + "\r\n").expect(400).stricter(REQUEST_LINE_WS));
        v.add(request("request-line-trailing-space", "RFC 9112 §3", "GET / HTTP/1.1 \r\n" + HOST + "\r\n").expect(400));
        v.add(request("request-line-leading-space", "RFC 9112 §3", " GET / HTTP/1.1\r\n" + HOST + "\r\n").expect(400));
        v.add(request("request-line-bare-cr", "RFC 9112 §2.2 (bare CR is invalid)", "GET / HTTP/1.1\r" + HOST + "\r\n").expect(400));
        v.add(request("head-lines-bare-lf", "RFC 9112 §2.2 (a recipient MAY accept LF)", "GET / HTTP/1.1\nHost: " + H + "\nX-A: b\n\n")
                .check("the head goes on with CRLF line ends", ConformanceVectors::crlfOnly));
        v.add(request("target-space", "RFC 9112 §3.2", "GET /a b HTTP/1.1\r\n" + HOST + "\r\n").expect(400));
        v.add(request("target-nul", "http-garden (NUL in target)", "GET /a\000b HTTP/1.1\r\n" + HOST + "\r\n").expect(400));
        v.add(request("target-control-byte", "RFC 3986 §2 / RFC 9112 §3.2", "GET /a\001b HTTP/1.1\r\n" + HOST + "\r\n").expect(400));
        v.add(request("target-del", "RFC 3986 §2 / RFC 9112 §3.2", "GET /a\177b HTTP/1.1\r\n" + HOST + "\r\n").expect(400)
                .stricter("RFC 3986 §2 / RFC 9112 §3.2: DEL is no URI character (SPEC §5: control bytes are refused); HAProxy passes it"));
        v.add(request("target-non-ascii", "RFC 3986 §2 (URIs are ASCII)", "GET /caf\351 HTTP/1.1\r\n" + HOST + "\r\n").expect(400));
        v.add(request("target-fragment", "RFC 9112 §3.2.1 (no fragment in origin-form)", "GET /a#frag HTTP/1.1\r\n" + HOST + "\r\n").expect(400));
        v.add(request("method-bad-char", "RFC 9110 §9.1 (token)", "GE(T / HTTP/1.1\r\n" + HOST + "\r\n").expect(400));
        v.add(request("method-nul", "http-garden (NUL in method)", "GE\000T / HTTP/1.1\r\n" + HOST + "\r\n").expect(400));
        v.add(request("long-request-line", "RFC 9112 §3 / SPEC §5 (431 too large)",
                "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n" + HOST + "\r\n").expect(414, 431));
        v.add(request("long-header-value", "RFC 6585 §5 / SPEC §5 (431 too large)", get("X-Big: " + "x".repeat(20_000) + "\r\n")).expect(431));
        v.add(request("many-header-fields", "RFC 6585 §5 / SPEC §5 (431 too large)", get("X-F: v\r\n".repeat(200))).expect(431));
        v.add(request("head-of-8-kib", "RFC 9112 §2.3 (heads this size are common)", get("X-Big: " + "x".repeat(8_000) + "\r\n")));

        // --- field syntax -------------------------------------------------------------------------------------
        v.add(request("field-without-colon", "RFC 9112 §5", get("X-Bad\r\n")).expect(400));
        v.add(request("field-space-before-colon", "RFC 9112 §5.1 (MUST 400)", get("X-A : b\r\n")).expect(400));
        v.add(request("field-tab-before-colon", "RFC 9112 §5.1 (MUST 400)", get("X-A\t: b\r\n")).expect(400));
        v.add(request("field-empty-name", "RFC 9112 §5", get(": b\r\n")).expect(400));
        v.add(request("field-name-bad-char", "RFC 9110 §5.1 (token)", get("X(A): b\r\n")).expect(400));
        v.add(request("field-name-non-ascii", "RFC 9110 §5.1 (token)", get("X-\351: b\r\n")).expect(400));
        v.add(request("field-value-nul", "http-garden (NUL in field value)", get("X-A: a\000b\r\n")).expect(400).stricter(NUL));
        v.add(request("field-value-control-byte", "RFC 9110 §5.5", get("X-A: a\001b\r\n")).expect(400).stricter(CTL_IN_VALUE));
        v.add(request("field-value-del", "RFC 9110 §5.5", get("X-A: a\177b\r\n")).expect(400).stricter(CTL_IN_VALUE));
        v.add(request("field-value-bare-cr", "RFC 9112 §2.2 (bare CR)", get("X-A: a\rb\r\n")).expect(400));
        v.add(request("field-value-obs-text", "RFC 9110 §5.5 (obs-text is allowed)", get("X-A: caf\351\r\n")));
        v.add(request("field-value-trailing-whitespace", "RFC 9110 §5.5 (OWS)", get("X-A: b \t\r\n")));
        v.add(request("field-obs-fold", "RFC 9112 §5.2", get("X-A: a\r\n b\r\n")).expect(400).stricter(OBS_FOLD));
        v.add(request("whitespace-before-first-field", "RFC 9112 §2.2", "GET / HTTP/1.1\r\n " + HOST + "\r\n").expect(400));
        v.add(request("bare-lf-hides-transfer-encoding", "http-garden (bare LF in head)",
                post("X-A: b\nTransfer-Encoding: chunked\r\n", CHUNKED_HELLO))
                .check("the head goes on with CRLF line ends", ConformanceVectors::crlfOnly));

        // --- Transfer-Encoding (PortSwigger TE.TE obfuscations, smuggler mutations) -----------------------------
        v.add(request("te-xchunked", "PortSwigger TE.TE", chunked("Transfer-Encoding: xchunked\r\n", CHUNKED_HELLO)).expect(501));
        v.add(request("te-chunk", "smuggler", chunked("Transfer-Encoding: chunk\r\n", CHUNKED_HELLO)).expect(501));
        // a quoted string is not a transfer coding (RFC 9112 §7: a token): malformed, or a coding not served
        v.add(request("te-quoted", "smuggler", chunked("Transfer-Encoding: \"chunked\"\r\n", CHUNKED_HELLO)).expect(400, 501));
        v.add(request("te-identity", "RFC 9112 §6.1 (identity is not a coding)", post("Transfer-Encoding: identity\r\nContent-Length: 5\r\n", "hello")).expect(400, 501));
        v.add(request("te-space-before-value", "PortSwigger TE.TE (' chunked')", chunked("Transfer-Encoding:  chunked\r\n", CHUNKED_HELLO)));
        v.add(request("te-tab-before-value", "PortSwigger TE.TE ('\\tchunked')", chunked("Transfer-Encoding:\tchunked\r\n", CHUNKED_HELLO)));
        v.add(request("te-space-before-colon", "PortSwigger TE.TE / RFC 9112 §5.1", chunked("Transfer-Encoding : chunked\r\n", CHUNKED_HELLO)).expect(400));
        v.add(request("te-tab-before-colon", "smuggler / RFC 9112 §5.1", chunked("Transfer-Encoding\t: chunked\r\n", CHUNKED_HELLO)).expect(400));
        v.add(request("te-chunked-identity", "PortSwigger TE.TE / RFC 9112 §6.3 (chunked not final)",
                chunked("Transfer-Encoding: chunked, identity\r\n", CHUNKED_HELLO)).expect(400, 501));
        v.add(request("te-identity-chunked", "smuggler", chunked("Transfer-Encoding: identity, chunked\r\n", CHUNKED_HELLO)));
        v.add(request("te-gzip-chunked", "RFC 9112 §6.1 (chunked final)", chunked("Transfer-Encoding: gzip, chunked\r\n", CHUNKED_HELLO)));
        v.add(request("te-twice", "PortSwigger TE.TE (duplicate TE) / SPEC §5 (once)",
                chunked("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", CHUNKED_HELLO)).expect(400));
        v.add(request("te-chunked-chunked", "SPEC §5 (chunked once)", chunked("Transfer-Encoding: chunked, chunked\r\n", CHUNKED_HELLO)).expect(400));
        v.add(request("te-chunked-then-other-line", "PortSwigger TE.TE / RFC 9112 §6.3",
                chunked("Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n", CHUNKED_HELLO)).expect(400, 501));
        v.add(request("te-upper-case", "RFC 9112 §7 (codings are case-insensitive)", chunked("Transfer-Encoding: CHUNKED\r\n", CHUNKED_HELLO)));
        v.add(request("te-mixed-case-name-and-value", "smuggler", chunked("tRaNsFeR-eNcOdInG: cHuNkEd\r\n", CHUNKED_HELLO)));
        v.add(request("te-obs-fold", "PortSwigger TE.TE (obs-fold)", chunked("Transfer-Encoding:\r\n chunked\r\n", CHUNKED_HELLO)).expect(400).stricter(OBS_FOLD));
        v.add(request("te-trailing-comma", "RFC 9110 §5.6.1 (empty list elements)", chunked("Transfer-Encoding: chunked,\r\n", CHUNKED_HELLO))
                .expect(400).stricter("an empty coding in the one field that frames the body is refused whatever its place, as HAProxy refuses a leading one (te-leading-comma)"));
        v.add(request("te-leading-comma", "RFC 9110 §5.6.1 (empty list elements)", chunked("Transfer-Encoding: , chunked\r\n", CHUNKED_HELLO)).expect(400, 422));
        v.add(request("te-vertical-tab", "smuggler (\\x0b)", chunked("Transfer-Encoding: \013chunked\r\n", CHUNKED_HELLO)).expect(400));
        v.add(request("te-form-feed", "smuggler (\\x0c)", chunked("Transfer-Encoding: \014chunked\r\n", CHUNKED_HELLO)).expect(400));
        v.add(request("te-nul-after-value", "http-garden (NUL)", chunked("Transfer-Encoding: chunked\000\r\n", CHUNKED_HELLO)).expect(400));
        v.add(request("te-chunked-with-parameter", "RFC 9112 §7 (chunked takes no parameters)",
                chunked("Transfer-Encoding: chunked;q=1\r\n", CHUNKED_HELLO)).expect(400, 501));
        v.add(request("te-underscore-name", "smuggler (Transfer_Encoding)", chunked("Transfer_Encoding: chunked\r\n", CHUNKED_HELLO)));
        v.add(request("te-http10", "RFC 9112 §6.1 / SPEC §5", "POST / HTTP/1.0\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n" + CHUNKED_HELLO)
                .expect(400).stricter(TE_HTTP10));
        v.add(request("te-http10-keep-alive", "RFC 9112 §6.1 / SPEC §5",
                "POST / HTTP/1.0\r\n" + HOST + "Connection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_HELLO).expect(400).stricter(TE_HTTP10));
        v.add(request("te-empty-value", "RFC 9112 §6.1", post("Transfer-Encoding: \r\nContent-Length: 5\r\n", "hello")));

        // --- Content-Length and Transfer-Encoding together (PortSwigger CL.TE / TE.CL) -----------------------
        v.add(request("cl-te-classic", "PortSwigger CL.TE", post("Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nG"))
                .expect(400).stricter(CL_TE));
        v.add(request("te-cl-classic", "PortSwigger TE.CL", post("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
                "8\r\nSMUGGLED\r\n0\r\n\r\n")).expect(400).stricter(CL_TE));
        v.add(request("te-first-then-cl", "PortSwigger TE.CL", post("Transfer-Encoding: chunked\r\nContent-Length: " + CHUNKED_HELLO.length() + "\r\n", "5\r\nhello\r\n0\r\n\r\n"))
                .expect(400).stricter(CL_TE));
        v.add(request("cl-zero-te-chunked", "smuggler", post("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n", CHUNKED_HELLO))
                .expect(400).stricter(CL_TE));
        v.add(request("cl-te-tab-value", "PortSwigger TE.TE + CL", post("Content-Length: " + CHUNKED_HELLO.length() + "\r\nTransfer-Encoding:\tchunked\r\n", CHUNKED_HELLO))
                .expect(400).stricter(CL_TE));
        v.add(request("cl-te-xchunked", "PortSwigger TE.TE + CL", post("Content-Length: 5\r\nTransfer-Encoding: xchunked\r\n", "hello"))
                .expect(400, 501));
        v.add(request("cl-te-space-before-colon", "PortSwigger TE.TE + CL",
                post("Content-Length: " + CHUNKED_HELLO.length() + "\r\nTransfer-Encoding : chunked\r\n", CHUNKED_HELLO)).expect(400));
        v.add(request("cl-te-duplicate-te", "PortSwigger TE.TE + CL",
                post("Content-Length: " + CHUNKED_HELLO.length() + "\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n", CHUNKED_HELLO)).expect(400, 501));
        v.add(request("cl-te-http10", "RFC 9112 §6.1 / SPEC §5",
                "POST / HTTP/1.0\r\n" + HOST + "Content-Length: " + CHUNKED_HELLO.length() + "\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_HELLO).expect(400).stricter(TE_HTTP10));
        v.add(request("cl-with-te-underscore", "smuggler (Transfer_Encoding is another field)",
                post("Content-Length: 5\r\nTransfer_Encoding: chunked\r\n", "hello")));

        // --- Content-Length (http-garden) ---------------------------------------------------------------
        v.add(request("cl-leading-zeros", "RFC 9110 §8.6 (1*DIGIT)", post("Content-Length: 005\r\n", "hello")));
        v.add(request("cl-plus", "http-garden", post("Content-Length: +5\r\n", "hello")).expect(400));
        v.add(request("cl-negative", "http-garden", post("Content-Length: -5\r\n", "hello")).expect(400));
        v.add(request("cl-hex", "http-garden (0x)", post("Content-Length: 0x5\r\n", "hello")).expect(400));
        v.add(request("cl-decimal-point", "http-garden", post("Content-Length: 5.0\r\n", "hello")).expect(400));
        v.add(request("cl-trailing-letter", "http-garden", post("Content-Length: 5a\r\n", "hello")).expect(400));
        v.add(request("cl-space-inside", "http-garden (CL with spaces)", post("Content-Length: 1 5\r\n", "hello")).expect(400));
        v.add(request("cl-whitespace-around", "RFC 9110 §5.5 (OWS)", post("Content-Length:   5  \r\n", "hello")));
        v.add(request("cl-empty", "http-garden", post("Content-Length: \r\n", "hello")).expect(400));
        v.add(request("cl-overflow", "http-garden", post("Content-Length: 99999999999999999999\r\n", "hello")).expect(400));
        v.add(request("cl-twice-same", "RFC 9110 §8.6 / SPEC §5 (identical CL collapse)", post("Content-Length: 5\r\nContent-Length: 5\r\n", "hello"))
                .check("one Content-Length reaches the backend", t -> t.singleField("content-length", "5")));
        v.add(request("cl-list-same", "RFC 9110 §8.6 / SPEC §5 ('5, 5')", post("Content-Length: 5, 5\r\n", "hello"))
                .check("one Content-Length reaches the backend", t -> t.singleField("content-length", "5")));
        v.add(request("cl-list-different", "RFC 9110 §8.6", post("Content-Length: 5, 6\r\n", "hello!")).expect(400));
        v.add(request("cl-twice-different", "RFC 9112 §6.3", post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!")).expect(400));
        v.add(request("cl-space-before-colon", "RFC 9112 §5.1 (MUST 400)", post("Content-Length : 5\r\n", "hello")).expect(400));
        v.add(request("cl-nul", "http-garden (NUL)", post("Content-Length: 5\000\r\n", "hello")).expect(400));
        v.add(request("cl-vertical-tab", "smuggler (\\x0b)", post("Content-Length: \0135\r\n", "hello")).expect(400));
        v.add(request("cl-underscore-name", "smuggler (Content_Length is another field)", post("Content_Length: 5\r\n", "hello")));

        // --- chunked framing (http-garden) ---------------------------------------------------------------
        v.add(request("chunk-size-16-digits", "http-garden (16+ hex digits)", teChunked("0000000000000005\r\nhello\r\n0\r\n\r\n"))
                .expect(400).stricter(CHUNK_DIGITS));
        v.add(request("chunk-size-20-digits", "http-garden (16+ hex digits)", teChunked("00000000000000000005\r\nhello\r\n0\r\n\r\n"))
                .expect(400).stricter(CHUNK_DIGITS));
        v.add(request("chunk-size-overflow-2^63", "http-garden (8000000000000000)", teChunked("8000000000000000\r\nhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("chunk-size-overflow-ffff", "http-garden (FFFFFFFFFFFFFFFF)", teChunked("FFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("chunk-size-overflow-wraps-to-5", "http-garden (17 digits wrapping to 5)", teChunked("10000000000000005\r\nhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("chunk-size-0x", "http-garden (0x prefix)", teChunked("0x5\r\nhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("chunk-size-plus", "http-garden", teChunked("+5\r\nhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("chunk-size-minus", "http-garden", teChunked("-5\r\nhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("chunk-size-leading-space", "http-garden", teChunked(" 5\r\nhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("chunk-size-trailing-space", "http-garden / RFC 9112 §7.1 (BWS only before ';')", teChunked("5 \r\nhello\r\n0\r\n\r\n"))
                .expect(400).stricter("RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF, whitespace only as BWS before ';' "
                        + "(SPEC §5: chunk lines follow the grammar); HAProxy skips it"));
        v.add(request("chunk-size-nul", "http-garden (NUL)", teChunked("5\000\r\nhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("chunk-size-not-hex", "RFC 9112 §7.1", teChunked("z\r\nhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("chunk-size-empty", "RFC 9112 §7.1", teChunked("\r\nhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("chunk-line-bare-lf", "http-garden (bare LF in chunk line) / SPEC §5", teChunked("5\nhello\r\n0\r\n\r\n")).expect(400).stricter(CHUNK_LF));
        v.add(request("chunk-line-bare-cr", "http-garden (bare CR)", teChunked("5\rhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("chunk-data-bare-lf", "http-garden (bare LF after data) / SPEC §5", teChunked("5\r\nhello\n0\r\n\r\n")).expect(400).stricter(CHUNK_LF));
        v.add(request("chunk-data-longer-than-size", "RFC 9112 §7.1", teChunked("3\r\nhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("last-chunk-bare-lf", "http-garden / SPEC §5", teChunked("5\r\nhello\r\n0\n\r\n")).expect(400).stricter(CHUNK_LF));
        v.add(request("last-empty-line-bare-lf", "http-garden / SPEC §5", teChunked("5\r\nhello\r\n0\r\n\n")).expect(400).stricter(CHUNK_LF));
        v.add(request("chunk-ext", "RFC 9112 §7.1.1", teChunked("5;name=value\r\nhello\r\n0\r\n\r\n")));
        v.add(request("chunk-ext-quoted", "RFC 9112 §7.1.1", teChunked("5;name=\"a \\\" b\"\r\nhello\r\n0\r\n\r\n")));
        v.add(request("chunk-ext-name-only", "RFC 9112 §7.1.1", teChunked("5;name\r\nhello\r\n0\r\n\r\n")));
        v.add(request("chunk-ext-bws", "RFC 9112 §7.1.1 (BWS)", teChunked("5 ; name = value\r\nhello\r\n0\r\n\r\n")));
        v.add(request("chunk-ext-two", "RFC 9112 §7.1.1", teChunked("5;a=b;c=\"d\"\r\nhello\r\n0;e\r\n\r\n")));
        v.add(request("chunk-ext-without-semicolon", "http-garden (extension without ';')", teChunked("5 name=value\r\nhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("chunk-ext-empty", "RFC 9112 §7.1.1", teChunked("5;\r\nhello\r\n0\r\n\r\n")).expect(400).stricter(CHUNK_EXT));
        v.add(request("chunk-ext-equals-without-value", "RFC 9112 §7.1.1", teChunked("5;a=\r\nhello\r\n0\r\n\r\n")).expect(400).stricter(CHUNK_EXT));
        v.add(request("chunk-ext-bad-name", "RFC 9112 §7.1.1", teChunked("5;a@b=c\r\nhello\r\n0\r\n\r\n")).expect(400).stricter(CHUNK_EXT));
        v.add(request("chunk-ext-control-byte", "http-garden (control bytes in extensions)", teChunked("5;a=\001\r\nhello\r\n0\r\n\r\n"))
                .expect(400).stricter(CHUNK_EXT));
        v.add(request("chunk-ext-nul", "http-garden (NUL in extension)", teChunked("5;a=b\000\r\nhello\r\n0\r\n\r\n")).expect(400).stricter(CHUNK_EXT));
        v.add(request("chunk-ext-bare-cr", "http-garden (bare CR in extension)", teChunked("5;a=b\rc\r\nhello\r\n0\r\n\r\n")).expect(400));
        v.add(request("chunk-ext-unterminated-quote", "RFC 9112 §7.1.1", teChunked("5;a=\"b\r\nhello\r\n0\r\n\r\n")).expect(400).stricter(CHUNK_EXT));
        v.add(request("chunk-ext-long", "RFC 9112 §7.1.1", teChunked("5;a=" + "b".repeat(2000) + "\r\nhello\r\n0\r\n\r\n")));
        v.add(request("trailer-request-line", "http-garden (request line in trailers) / SPEC §5",
                teChunked("5\r\nhello\r\n0\r\nGET /smuggled HTTP/1.1\r\n" + HOST + "\r\n")).expect(400));
        v.add(request("trailer-without-colon", "RFC 9112 §7.1.2", teChunked("5\r\nhello\r\n0\r\nnocolon\r\n\r\n")).expect(400));
        v.add(request("trailer-bare-lf", "http-garden / SPEC §5", teChunked("5\r\nhello\r\n0\r\nX-T: v\n\r\n")).expect(400).stricter(TRAILER_LF));
        v.add(request("trailer-obs-fold", "RFC 9112 §5.2", teChunked("5\r\nhello\r\n0\r\nX-T: a\r\n b\r\n\r\n")).expect(400).stricter(OBS_FOLD));
        v.add(request("trailer-nul", "http-garden (NUL)", teChunked("5\r\nhello\r\n0\r\nX-T: a\000b\r\n\r\n")).expect(400).stricter(NUL));
        v.add(request("trailer-content-length", "RFC 9110 §6.5.1 (framing fields in trailers are ignored)",
                teChunked("5\r\nhello\r\n0\r\nContent-Length: 50\r\n\r\n")));
        v.add(request("body-not-chunked", "RFC 9112 §7.1", teChunked("hello")).expect(400));

        // --- not HTTP at all on the plain port -----------------------------------------------------------
        v.add(request("tls-client-hello", "SPEC §5 (answered or closed at once)",
                "\026\003\001\000\245\001\000\000\241\003\003" + "\000".repeat(32) + "\000\000\004\023\001\023\002\001\000\000t\000\000\000\016\000\f\000\000\tlocalhost")
                .atOnce());
        v.add(request("http2-preface", "SPEC §5 / RFC 9113 §3.4", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").atOnce());
        v.add(request("ssh-banner", "SPEC §5 (answered or closed at once)", "SSH-2.0-OpenSSH_9.2\r\n").atOnce());
        v.add(request("binary-garbage", "SPEC §5 (answered or closed at once)", "\000\001\002\003\377\376\375\374\r\n").atOnce());
        return v;
    }

    static List<ConformanceVector> responses() {
        List<ConformanceVector> v = new ArrayList<>();
        String ok = "HTTP/1.1 200 OK\r\n";
        v.add(response("resp-content-length", "RFC 9112 §6.3", ok + "Content-Length: 2\r\n\r\nok").mustRelay());
        v.add(response("resp-chunked", "RFC 9112 §7.1", ok + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n").mustRelay());
        v.add(response("resp-chunked-trailers", "RFC 9112 §7.1.2", ok + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: v\r\n\r\n").mustRelay());
        v.add(response("resp-until-close", "RFC 9112 §6.3 (read until close)", ok + "Content-Type: text/plain\r\n\r\nok until close").mustRelay());
        v.add(response("resp-http10", "RFC 9112 §2.3", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok").mustRelay());
        v.add(response("resp-connection-close", "RFC 9112 §9.6", ok + "Connection: close\r\nContent-Length: 2\r\n\r\nok").mustRelay());
        v.add(response("resp-cl-and-te", "RFC 9112 §6.3 / SPEC §5 (CL removed)",
                ok + "Content-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n").mustRelay());
        v.add(response("resp-te-and-cl", "RFC 9112 §6.3 / SPEC §5 (CL removed)",
                ok + "Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nok\r\n0\r\n\r\n").mustRelay());
        v.add(response("resp-cl-twice-different", "RFC 9112 §6.3 / SPEC §5", ok + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nok!").expect(502));
        v.add(response("resp-cl-list-same", "RFC 9110 §8.6 / SPEC §5", ok + "Content-Length: 2, 2\r\n\r\nok").mustRelay()
                .check("the client gets one Content-Length", t -> t.clientSingleField("content-length", "2")));
        v.add(response("resp-cl-twice-same", "RFC 9110 §8.6 / SPEC §5", ok + "Content-Length: 2\r\nContent-Length: 2\r\n\r\nok").mustRelay()
                .check("the client gets one Content-Length", t -> t.clientSingleField("content-length", "2")));
        v.add(response("resp-cl-negative", "http-garden", ok + "Content-Length: -2\r\n\r\nok").expect(502));
        v.add(response("resp-cl-plus", "http-garden", ok + "Content-Length: +2\r\n\r\nok").expect(502));
        v.add(response("resp-cl-longer-than-body", "RFC 9112 §8 (incomplete message)", ok + "Content-Length: 10\r\n\r\nok"));
        v.add(response("resp-cl-shorter-than-body", "RFC 9112 §6.3 (excess is not a response)", ok + "Content-Length: 2\r\n\r\nok and more"));
        v.add(response("resp-chunk-size-overflow-2^63", "http-garden (8000000000000000)",
                ok + "Transfer-Encoding: chunked\r\n\r\n8000000000000000\r\nok\r\n0\r\n\r\n").neverRaw("8000000000000000"));
        v.add(response("resp-chunk-size-overflow-ffff", "http-garden (FFFFFFFFFFFFFFFF)",
                ok + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nok\r\n0\r\n\r\n").neverRaw("FFFFFFFFFFFFFFFF"));
        v.add(response("resp-chunk-size-16-digits", "http-garden (16+ hex digits)",
                ok + "Transfer-Encoding: chunked\r\n\r\n0000000000000002\r\nok\r\n0\r\n\r\n").neverRaw("0000000000000002")
                .stricter(CHUNK_DIGITS));
        v.add(response("resp-chunk-line-bare-lf", "http-garden (bare LF in chunk line) / SPEC §5",
                ok + "Transfer-Encoding: chunked\r\n\r\n2\nok\r\n0\r\n\r\n").neverRaw("2\nok")
                .stricter("SPEC §5: bare LF inside framing is refused (502) or re-framed; HAProxy re-frames"));
        v.add(response("resp-chunk-ext-control-byte", "http-garden (control bytes in extensions)",
                ok + "Transfer-Encoding: chunked\r\n\r\n2;a=\001\r\nok\r\n0\r\n\r\n").neverRaw("\001").stricter(CHUNK_EXT));
        v.add(response("resp-chunk-ext-without-semicolon", "http-garden (extension without ';')",
                ok + "Transfer-Encoding: chunked\r\n\r\n2 a=b\r\nok\r\n0\r\n\r\n").neverRaw(" a=b"));
        v.add(response("resp-trailer-request-line", "http-garden (request line in trailers) / SPEC §5",
                ok + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nGET /smuggled HTTP/1.1\r\n\r\n").neverRaw("GET /smuggled"));
        v.add(response("resp-trailer-bare-lf", "http-garden / SPEC §5",
                ok + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: v\n\r\n").neverRaw("X-T: v\n").stricter(TRAILER_LF));
        v.add(response("resp-101-unasked", "RFC 9110 §15.2.2 / SPEC §5 (101 only to an Upgrade request)",
                "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\ntunnel bytes").expect(502));
        v.add(response("resp-status-not-a-number", "RFC 9112 §4", "HTTP/1.1 abc OK\r\nContent-Length: 2\r\n\r\nok").expect(502));
        v.add(response("resp-status-http2", "RFC 9112 §4 (HTTP/2 has no text status line)", "HTTP/2 200 OK\r\nContent-Length: 2\r\n\r\nok").expect(502));
        v.add(response("resp-not-http", "RFC 9112 §4 (HTTP/0.9-style body only)", "ok, just a body\r\n").expect(502));
        v.add(response("resp-status-no-reason", "RFC 9112 §4 (reason phrase optional)", "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok").mustRelay());
        v.add(response("resp-field-nul", "http-garden (NUL)", ok + "X-A: a\000b\r\nContent-Length: 2\r\n\r\nok").expect(502).stricter(NUL));
        v.add(response("resp-field-control-byte", "RFC 9110 §5.5", ok + "X-A: a\001b\r\nContent-Length: 2\r\n\r\nok").neverRaw("\001")
                .stricter(CTL_IN_VALUE));
        v.add(response("resp-obs-fold", "RFC 9112 §5.2", ok + "X-A: a\r\n b\r\nContent-Length: 2\r\n\r\nok")
                .stricter("RFC 9112 §5.2: a proxy MUST either answer 502 to obs-fold in a response or unfold it; HAProxy unfolds"));
        v.add(response("resp-field-without-colon", "RFC 9112 §5", ok + "X-Bad\r\nContent-Length: 2\r\n\r\nok").expect(502));
        v.add(response("resp-field-space-before-colon", "RFC 9112 §5.1 (a proxy MUST remove it or refuse)",
                ok + "Content-Length : 2\r\n\r\nok").neverRaw("Content-Length :"));
        v.add(response("resp-head-bare-lf", "RFC 9112 §2.2", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok"));
        v.add(response("resp-100-then-200", "RFC 9110 §15.2", "HTTP/1.1 100 Continue\r\n\r\n" + ok + "Content-Length: 2\r\n\r\nok").mustRelay());
        v.add(response("resp-103-then-200", "RFC 8297", "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n" + ok + "Content-Length: 2\r\n\r\nok").mustRelay());
        v.add(response("resp-204-with-body", "RFC 9112 §6.3 (204 has no body)", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello").mustRelay());
        v.add(response("resp-304-with-length", "RFC 9112 §6.3 (304 has no body)", "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n").mustRelay());
        v.add(response("resp-head-too-large", "SPEC §5 (bounded heads)", ok + "X-Big: " + "x".repeat(70_000) + "\r\nContent-Length: 2\r\n\r\nok").expect(502));
        v.add(response("resp-te-gzip-until-close", "RFC 9112 §6.3 (chunked not final: until close)",
                ok + "Transfer-Encoding: gzip\r\n\r\nnot really gzip"));
        v.add(response("resp-te-http10", "RFC 9112 §6.1 / SPEC §5 (TE on HTTP/1.0 is faulty)",
                "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
                .expect(502).stricter("RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message MUST be treated as faulty framing "
                        + "(SPEC §5: refused, 502 from a backend); HAProxy de-chunks and relays"));
        v.add(response("resp-te-twice", "SPEC §5 (chunked once)",
                ok + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"));
        return v;
    }

    /** The request head the backend got uses CRLF everywhere (RFC 9112 §2.2: a sender MUST NOT send bare LF). */
    private static String crlfOnly(ConformanceTest.Trial t) {
        List<LenientHttp.Message> got = t.capture().requests();
        if (got.isEmpty()) {
            return "nothing reached the backend";
        }
        String head = got.get(0).rawHead();
        return head.replace("\r\n", "").indexOf('\n') >= 0 ? "bare LF in the forwarded head" : null;
    }
}
