package haystack.lb.internal.codec;

/**
 * Follows chunked framing (RFC 9112 §7.1) as the bytes pass through, to find where the
 * body ends. Every chunk-size line is checked: 1 to 16 hex digits, an optional extension,
 * CRLF; chunk data must be followed by CRLF. Nothing is copied or changed.
 */
public final class ChunkedBody {

    private static final int MAX_LINE = 4096;
    private static final int MAX_TRAILERS = 16384;

    private enum State { SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER, TRAILER_LF, LAST_LF, DONE }

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
     */
    public int scan(byte[] a, int from, int to) throws HttpException {
        int i = from;
        while (i < to) {
            byte b = a[i];
            switch (state) {
                case SIZE -> {
                    int d = Character.digit(b, 16);
                    if (d >= 0 && b > 0) {
                        if (++digits > 16) {
                            throw bad("a chunk size is longer than 16 hexadecimal digits");
                        }
                        remaining = remaining << 4 | d;
                    } else if (digits == 0) {
                        throw bad("a chunk size is not hexadecimal");
                    } else if (b == ';' || b == ' ' || b == '\t') {
                        state = State.EXTENSION;
                    } else if (b == '\r') {
                        state = State.SIZE_LF;
                    } else if (b == '\n') {
                        sizeDone();
                    } else {
                        throw bad("a chunk size is not hexadecimal");
                    }
                }
                case EXTENSION -> {
                    if (b == '\r') {
                        state = State.SIZE_LF;
                    } else if (b == '\n') {
                        sizeDone();
                    } else if (++lineLength > MAX_LINE) {
                        throw bad("a chunk extension is longer than " + MAX_LINE + " bytes");
                    }
                }
                case SIZE_LF -> {
                    if (b != '\n') {
                        throw bad("a chunk size line does not end in CRLF");
                    }
                    sizeDone();
                }
                case DATA -> {
                    int n = (int) Math.min(remaining, to - i);
                    remaining -= n;
                    i += n;
                    if (remaining == 0) {
                        state = State.DATA_CR;
                    }
                    continue;
                }
                case DATA_CR -> {
                    if (b == '\r') {
                        state = State.DATA_LF;
                    } else if (b == '\n') {
                        nextChunk();
                    } else {
                        throw bad("chunk data is longer than its size");
                    }
                }
                case DATA_LF -> {
                    if (b != '\n') {
                        throw bad("chunk data is longer than its size");
                    }
                    nextChunk();
                }
                case TRAILER_START -> {
                    if (b == '\r') {
                        state = State.LAST_LF;
                    } else if (b == '\n') {
                        state = State.DONE;
                        return i + 1;
                    } else {
                        state = State.TRAILER;
                        trailer();
                    }
                }
                case TRAILER -> {
                    if (b == '\r') {
                        state = State.TRAILER_LF;
                    } else if (b == '\n') {
                        state = State.TRAILER_START;
                    } else {
                        trailer();
                    }
                }
                case TRAILER_LF -> {
                    if (b != '\n') {
                        throw bad("a trailer line does not end in CRLF");
                    }
                    state = State.TRAILER_START;
                }
                case LAST_LF -> {
                    if (b != '\n') {
                        throw bad("the last chunk does not end in CRLF");
                    }
                    state = State.DONE;
                    return i + 1;
                }
                case DONE -> {
                    return i;
                }
                default -> throw new IllegalStateException(state.name());
            }
            i++;
        }
        return state == State.DONE ? i : -1;
    }

    public boolean done() {
        return state == State.DONE;
    }

    private void sizeDone() {
        state = remaining == 0 ? State.TRAILER_START : State.DATA;
    }

    private void nextChunk() {
        state = State.SIZE;
        digits = 0;
        lineLength = 0;
        remaining = 0;
    }

    private void trailer() throws HttpException {
        if (++trailerBytes > MAX_TRAILERS) {
            throw bad("trailers are longer than " + MAX_TRAILERS + " bytes");
        }
    }

    private HttpException bad(String why) {
        return new HttpException(badStatus, "malformed chunked body: " + why);
    }
}
