package haystack.etcd.internal;

/**
 * etcd answered, but with an error (its gRPC status code and message), or every endpoint
 * failed to answer (code {@link #UNAVAILABLE}).
 */
final class EtcdException extends Exception {

    private static final long serialVersionUID = 1L;

    /** gRPC NOT_FOUND: for example "requested lease not found". */
    static final int NOT_FOUND = 5;
    /** gRPC UNAVAILABLE: no endpoint answered. */
    static final int UNAVAILABLE = 14;

    private final int code;

    EtcdException(int code, String message) {
        super(message);
        this.code = code;
    }

    EtcdException(String message, Throwable cause) {
        super(message, cause);
        this.code = UNAVAILABLE;
    }

    int code() {
        return code;
    }
}
