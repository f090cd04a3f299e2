package haystack.lb.internal.codec;

/**
 * How the body after a head ends (RFC 9112 §6.3), decided in one place for requests and
 * responses alike, as HAProxy's h1 parser does: any ambiguity that could let two parsers
 * see different messages in the same bytes is refused here rather than passed on.
 */
public enum Framing {
    /** No body: a request without Content-Length or Transfer-Encoding; 1xx, 204, 304, a response to HEAD. */
    NONE,
    /** Content-Length bytes. */
    LENGTH,
    /** Chunked transfer coding, ending with the last chunk and trailers. */
    CHUNKED,
    /** Whatever comes until the backend closes the connection (responses only). */
    UNTIL_CLOSE,
    /** A 101 to a request that asked to upgrade: bytes both ways until either side closes. */
    TUNNEL;

    /**
     * The framing of a message whose fields are {@code f}.
     *
     * @param request        a request (refusals are 400/501) or a response (502)
     * @param status         the response status (0 for a request)
     * @param answersHead    the response answers a HEAD request
     * @param answersUpgrade the response answers a request that asked to upgrade
     * @throws HttpException when the framing is faulty or cannot be followed
     */
    static Framing decide(FieldLines f, boolean request, boolean http10, int status, boolean answersHead, boolean answersUpgrade)
            throws HttpException {
        int bad = request ? 400 : 502;
        if (!request) {
            if (status == 101) {
                if (!answersUpgrade) {
                    throw new HttpException(502, "backend switched protocols (101) for a request that did not ask to upgrade");
                }
                return TUNNEL;
            }
            if (answersHead || status < 200 || status == 204 || status == 304) {
                return NONE; // §6.3 items 1 and 2: whatever the fields say, there is no body
            }
        }
        if (f.transferEncodingLines > 0) {
            if (http10) {
                throw new HttpException(bad, "Transfer-Encoding in an HTTP/1.0 message (RFC 9112 §6.1: faulty framing)");
            }
            if (f.chunkedCount > 1) {
                throw new HttpException(bad, "chunked is applied more than once");
            }
            if (f.chunkedCount == 1 && !f.chunkedLast) {
                throw new HttpException(bad, "chunked is not the final transfer coding");
            }
            if (request) {
                if (f.contentLengthLines > 0) {
                    throw new HttpException(400, "both Content-Length and Transfer-Encoding (RFC 9112 §6.3: refused as smuggling)");
                }
                if (f.otherCoding) {
                    throw new HttpException(501, "a transfer coding other than chunked is not supported");
                }
                return CHUNKED;
            }
            if (!f.chunkedLast) {
                // §6.3 item 4 would read until close: a body no client can tell from a cut-short one (HAProxy: 502 too)
                throw new HttpException(502, "backend sent a transfer coding that does not end in chunked");
            }
            return CHUNKED; // §6.3 item 3: Transfer-Encoding wins; the writer drops Content-Length
        }
        if (f.contentLength >= 0) {
            return LENGTH;
        }
        return request ? NONE : UNTIL_CLOSE;
    }
}
