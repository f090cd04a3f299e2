package haystack.file.internal;

/** Why a service file is not used, and the line (1-based; 0 when no line applies) that says so. */
final class RejectedFile extends Exception {

    private static final long serialVersionUID = 1L;

    private final int line;

    RejectedFile(int line, String reason) {
        super(reason, null, false, false);
        this.line = line;
    }

    RejectedFile(String reason) {
        this(0, reason);
    }

    int line() {
        return line;
    }

    String reason() {
        return getMessage();
    }
}
