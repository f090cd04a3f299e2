package haystack.lb.internal.codec;

/**
 * Follows chunked framing (RFC 9112 §7.1) as the bytes pass through, to find where the
 * body ends; nothing is copied or changed, so every byte must be checked before it is
 * reported as body. Strict, as HAProxy's {@code h1_parse_chunk_size} and Netty's
 * {@code HttpChunkLineValidatingByteProcessor} are:
 * <ul>
 * <li>a chunk size is 1 to {@value #MAX_SIZE_DIGITS} hex digits, so it never overflows;</li>
 * <li>extensions follow {@code *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] )};</li>
 * <li>every line of the framing ends in CRLF: a bare LF or CR is refused;</li>
 * <li>trailers are field lines ({@code token ":" OWS value}), without control bytes.</li>
 * </ul>
 * Each call looks at each byte at most once and skips chunk data in one step, so the
 * work is bounded by the bytes in hand.
 */
public final class ChunkedBody {

    /** 15 hex digits: the largest size, 2^60 - 1, is far from overflowing a long. */
    static final int MAX_SIZE_DIGITS = 15;
    private static final int MAX_LINE = 4096;
    private static final int MAX_TRAILERS = 16384;

    private enum State {
        SIZE, SIZE_WS, EXT_NAME_START, EXT_NAME, EXT_AFTER_NAME, EXT_VALUE_START, EXT_TOKEN, EXT_QUOTED, EXT_ESCAPE,
        EXT_AFTER_VALUE, EXT_WS, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER_NAME, TRAILER_VALUE, TRAILER_LF, LAST_LF, DONE
    }

    private final int badStatus;
    private State state = State.SIZE;
    private long remaining;
    private int digits;
    private int lineLength;
    private int trailerBytes;

    /** @param badStatus the status to refuse broken framing with (400 from a client, 502 from a backend) */
    public ChunkedBody(int badStatus) {
        this.badStatus = badStatus;
    }

    /**
     * Scans {@code a[from, to)}: the index just past the body's last byte when it ends
     * there, else -1 (all of it is body, more is to come).
     *
     * @throws HttpException with the bad status when the framing is broken
     */
    public int scan(byte[] a, int from, int to) throws HttpException {
        int i = from;
        while (i < to) {
            if (state == State.DATA) {
                int n = (int) Math.min(remaining, to - i);
                remaining -= n;
                i += n;
                if (remaining == 0) {
                    state = State.DATA_CR;
                }
                continue;
            }
            if (state == State.DONE) {
                return i;
            }
            byte b = a[i++];
            if (state.compareTo(State.SIZE_LF) < 0 && ++lineLength > MAX_LINE) {
                throw bad("a chunk size line is longer than " + MAX_LINE + " bytes");
            }
            switch (state) {
                case SIZE -> size(b);
                case SIZE_WS -> {
                    if (b == '\r') {
                        throw bad("whitespace after a chunk size that no extension follows");
                    }
                    afterSize(b);
                }
                case EXT_NAME_START -> {
                    if (Tokens.isToken(b)) {
                        state = State.EXT_NAME;
                    } else if (!isWhitespace(b)) {
                        throw bad("a chunk extension has no name");
                    }
                }
                case EXT_NAME -> {
                    if (b == '=') {
                        state = State.EXT_VALUE_START;
                    } else if (isWhitespace(b)) {
                        state = State.EXT_AFTER_NAME;
                    } else if (!Tokens.isToken(b)) {
                        afterExtension(b);
                    }
                }
                case EXT_AFTER_NAME -> {
                    if (b == '=') {
                        state = State.EXT_VALUE_START;
                    } else {
                        afterWhitespace(b);
                    }
                }
                case EXT_VALUE_START -> {
                    if (b == '"') {
                        state = State.EXT_QUOTED;
                    } else if (Tokens.isToken(b)) {
                        state = State.EXT_TOKEN;
                    } else if (!isWhitespace(b)) {
                        throw bad("a chunk extension has no value after '='");
                    }
                }
                case EXT_TOKEN -> {
                    if (!Tokens.isToken(b)) {
                        afterExtension(b);
                    }
                }
                case EXT_QUOTED -> {
                    if (b == '"') {
                        state = State.EXT_AFTER_VALUE;
                    } else if (b == '\\') {
                        state = State.EXT_ESCAPE;
                    } else if (!isQuotedText(b)) {
                        throw bad("a control byte in a chunk extension");
                    }
                }
                case EXT_ESCAPE -> {
                    if (!isQuotedText(b) && b != '"' && b != '\\') {
                        throw bad("a control byte in a chunk extension");
                    }
                    state = State.EXT_QUOTED;
                }
                case EXT_AFTER_VALUE -> afterExtension(b);
                case EXT_WS -> afterWhitespace(b);
                case SIZE_LF -> {
                    expectLf(b, "a chunk size line does not end in CRLF");
                    lineLength = 0;
                    state = remaining == 0 ? State.TRAILER_START : State.DATA;
                }
                case DATA_CR -> {
                    if (b != '\r') {
                        throw bad("chunk data is not followed by CRLF");
                    }
                    state = State.DATA_LF;
                }
                case DATA_LF -> {
                    expectLf(b, "chunk data is not followed by CRLF");
                    state = State.SIZE;
                    digits = 0;
                }
                case TRAILER_START -> {
                    if (b == '\r') {
                        state = State.LAST_LF;
                    } else if (Tokens.isToken(b)) {
                        state = State.TRAILER_NAME;
                        trailer();
                    } else {
                        throw bad("a trailer is not a field line");
                    }
                }
                case TRAILER_NAME -> {
                    trailer();
                    if (b == ':') {
                        state = State.TRAILER_VALUE;
                    } else if (!Tokens.isToken(b)) {
                        throw bad("a trailer is not a field line");
                    }
                }
                case TRAILER_VALUE -> {
                    trailer();
                    if (b == '\r') {
                        state = State.TRAILER_LF;
                    } else if (!Tokens.isFieldByte(b)) {
                        throw bad("a control byte in a trailer");
                    }
                }
                case TRAILER_LF -> {
                    expectLf(b, "a trailer line does not end in CRLF");
                    state = State.TRAILER_START;
                }
                case LAST_LF -> {
                    expectLf(b, "the last chunk does not end in CRLF");
                    state = State.DONE;
                    return i;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return state == State.DONE ? i : -1;
    }

    public boolean done() {
        return state == State.DONE;
    }

    private void size(byte b) throws HttpException {
        int d = hex(b);
        if (d >= 0) {
            if (++digits > MAX_SIZE_DIGITS) {
                throw bad("a chunk size is longer than " + MAX_SIZE_DIGITS + " hexadecimal digits");
            }
            remaining = remaining << 4 | d;
        } else if (digits == 0) {
            throw bad("a chunk size is not hexadecimal");
        } else {
            afterSize(b);
        }
    }

    /** After the size or an extension's whitespace: more whitespace, an extension, or the line end. */
    private void afterSize(byte b) throws HttpException {
        if (isWhitespace(b)) {
            state = State.SIZE_WS;
        } else if (b == ';') {
            state = State.EXT_NAME_START;
        } else if (b == '\r') {
            state = State.SIZE_LF;
        } else {
            throw bad(b == '\n' ? "a chunk size line ends in a bare LF" : "a chunk size is not hexadecimal");
        }
    }

    /** After an extension: whitespace, the next extension, or the line end. */
    private void afterExtension(byte b) throws HttpException {
        if (isWhitespace(b)) {
            state = State.EXT_WS;
        } else if (b == ';') {
            state = State.EXT_NAME_START;
        } else if (b == '\r') {
            state = State.SIZE_LF;
        } else {
            throw bad(b == '\n' ? "a chunk size line ends in a bare LF" : "a chunk extension breaks the grammar");
        }
    }

    /** After whitespace that follows an extension: more of it or the next extension; BWS never ends the line. */
    private void afterWhitespace(byte b) throws HttpException {
        if (isWhitespace(b)) {
            return;
        }
        if (b == ';') {
            state = State.EXT_NAME_START;
        } else {
            throw bad(b == '\r' ? "whitespace before the end of a chunk size line" : "a chunk extension breaks the grammar");
        }
    }

    private void expectLf(byte b, String why) throws HttpException {
        if (b != '\n') {
            throw bad(why);
        }
    }

    private void trailer() throws HttpException {
        if (++trailerBytes > MAX_TRAILERS) {
            throw bad("trailers are longer than " + MAX_TRAILERS + " bytes");
        }
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int lower = b | 0x20;
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    /** qdtext of RFC 9110 §5.6.4: HTAB, SP, visible bytes but '"' and '\', obs-text. */
    private static boolean isQuotedText(byte b) {
        return b == '\t' || b == ' ' || b == '!' || (b >= '#' && b <= '~' && b != '\\') || b < 0;
    }

    private HttpException bad(String why) {
        return new HttpException(badStatus, "malformed chunked body: " + why);
    }
}
