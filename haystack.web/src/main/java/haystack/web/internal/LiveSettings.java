package haystack.web.internal;

/**
 * The live view's fixed bounds. Not settings: they bound memory and traffic per client,
 * and tests shorten them.
 *
 * @param samplePeriodMillis how often traffic is sampled and changes outside the registry looked for
 * @param samplesKept        samples per service (150 of 2 s: the last five minutes)
 * @param maxServices        services charted at most
 * @param maxPendingBytes    unsent bytes after which a client is dropped (beyond its first state)
 * @param heartbeatMillis    idle time after which a stream carries a comment line
 */
record LiveSettings(long samplePeriodMillis, int samplesKept, int maxServices, long maxPendingBytes, long heartbeatMillis) {

    static final LiveSettings DEFAULT = new LiveSettings(2000, 150, 500, 1 << 20, 15_000);
}
