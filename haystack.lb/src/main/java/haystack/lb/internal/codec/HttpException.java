package haystack.lb.internal.codec;

/** A message that cannot be passed on: the status to answer and why. */
public final class HttpException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    public HttpException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
