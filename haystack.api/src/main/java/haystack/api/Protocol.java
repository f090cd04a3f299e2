package haystack.api;

/** Transport protocol of an endpoint's port. */
public enum Protocol {
    TCP, UDP;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses "tcp" or "udp" in any case; anything else is an error naming the value. */
    public static Protocol parse(String value) {
        for (Protocol p : values()) {
            if (p.label().equalsIgnoreCase(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException("protocol '" + value + "' is not tcp or udp");
    }
}
