package haystack.dns.internal;

/**
 * Where the response to one query goes: called once, at once or (forwarded) later, from
 * whichever thread has the answer.
 */
@FunctionalInterface
interface Reply {

    /** Sends {@code response}, which the caller no longer touches. */
    void send(byte[] response);

    /**
     * Sends a cached response that other queries share, with this query's id in its first
     * two bytes; {@code shared} itself must not change. A transport that copies the bytes
     * out anyway (UDP into its own buffer) overrides this to skip the copy made here.
     */
    default void sendShared(byte[] shared, byte id0, byte id1) {
        byte[] out = shared.clone();
        out[0] = id0;
        out[1] = id1;
        send(out);
    }
}
