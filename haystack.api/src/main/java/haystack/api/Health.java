package haystack.api;

/** Health of an endpoint as reported by Docker HEALTHCHECK or an active check. */
public enum Health {
    /** The container's health check has not passed yet: no traffic, no DNS answers. */
    STARTING,
    HEALTHY,
    /** Failing its health check: no traffic, no DNS answers. */
    UNHEALTHY,
    /** No health information (no HEALTHCHECK): treated as able to serve. */
    UNKNOWN;

    /** Whether an endpoint in this state may receive traffic and appear in DNS answers. */
    public boolean servesTraffic() {
        return this == HEALTHY || this == UNKNOWN;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
