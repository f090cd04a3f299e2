package haystack.lb.internal.tcp;

/** The TCP relay's timeouts and retries, which may change while it runs. */
public record TcpSettings(int connectTimeoutMs, int idleTimeoutMs, int retries) {
}
