package haystack.lb.internal.proxy;

/** The proxy's limits and timeouts that may change while it runs. */
public record ProxySettings(int connectTimeoutMs, int idleTimeoutMs, int headTimeoutMs, int retries, int maxConnections) {
}
