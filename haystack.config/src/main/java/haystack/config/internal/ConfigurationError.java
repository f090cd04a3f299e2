package haystack.config.internal;

/** A setting with a value that is not allowed; the message is the whole story in one line. */
final class ConfigurationError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConfigurationError(String setting, String value, String allowed) {
        super("configuration error: " + setting + "='" + shown(setting, value) + "' is not allowed; expected " + allowed);
    }

    /** Secrets are never echoed back. */
    private static String shown(String setting, String value) {
        boolean secret = setting.contains("PASSWORD") || setting.contains("KEY") && !setting.contains("KEYS");
        return secret && !value.isEmpty() ? "****" : value;
    }
}
