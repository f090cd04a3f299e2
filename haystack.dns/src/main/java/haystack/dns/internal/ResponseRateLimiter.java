package haystack.dns.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Response rate limiting over UDP (as nsd's and BIND's RRL), off when the rate is 0: each
 * client network (/24 for IPv4, /56 for IPv6) gets {@code rrl} responses per second, a
 * token bucket holding one second's worth; beyond it a response is dropped, except every
 * {@code rrlSlip}th, which is sent truncated so that a real client, whose address is not
 * forged, retries over TCP. Memory is a fixed table of {@link #SLOTS} buckets: a network
 * takes over a slot its last holder has left idle for a second, and otherwise shares it.
 */
final class ResponseRateLimiter {

    /** What to do with a query from a client network. */
    enum Verdict { ANSWER, SLIP, DROP }

    static final int SLOTS = 4096;
    private static final long SECOND = 1_000_000_000L;

    private static final class Bucket {
        long network = -1;
        double tokens;
        long last;
        long limited;
    }

    private final int rate;
    private final int slip;
    private final Bucket[] buckets;

    ResponseRateLimiter(int rate, int slip) {
        this.rate = rate;
        this.slip = slip;
        this.buckets = new Bucket[rate == 0 ? 0 : SLOTS];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Bucket();
        }
    }

    boolean isOn() {
        return rate > 0;
    }

    /** Counts one response to {@code client} at {@code nanos} and says whether it may be sent. */
    Verdict check(InetAddress client, long nanos) {
        if (rate == 0) {
            return Verdict.ANSWER;
        }
        long network = network(client);
        Bucket b = buckets[index(network)];
        synchronized (b) {
            if (b.network != network && (b.network == -1 || nanos - b.last >= SECOND)) {
                b.network = network;
                b.tokens = rate;
                b.last = nanos;
                b.limited = 0;
            }
            b.tokens = Math.min(rate, b.tokens + (double) (nanos - b.last) * rate / SECOND);
            b.last = nanos;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return Verdict.ANSWER;
            }
            b.limited++;
            return slip > 0 && b.limited % slip == 0 ? Verdict.SLIP : Verdict.DROP;
        }
    }

    /** The client's network as a number: a marker bit and the /24 or /56 prefix. */
    static long network(InetAddress client) {
        byte[] a = client.getAddress();
        long prefix = 0;
        int bytes = client instanceof Inet4Address ? 3 : 7;
        for (int i = 0; i < bytes; i++) {
            prefix = prefix << 8 | (a[i] & 0xff);
        }
        return (client instanceof Inet4Address ? 1L : 2L) << 56 | prefix;
    }

    private static int index(long network) {
        long h = network * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 52) & (SLOTS - 1);
    }

    /**
     * The truncated response to {@code query} (RFC 1035 header and question, QR and TC set,
     * RD copied, no records), or null when its question cannot be read: then it is dropped.
     */
    static byte[] slip(ByteBuffer query) {
        int p = query.position();
        int end = query.limit();
        if (end - p < 12 || (query.get(p + 2) & 0x80) != 0 || (query.get(p + 2) & 0x78) != 0
                || query.getShort(p + 4) != 1) {
            return null;
        }
        int i = p + 12;
        for (int labels = 0; labels < 128; labels++) {
            if (i >= end) {
                return null;
            }
            int length = query.get(i) & 0xff;
            if (length == 0) {
                i += 1 + 4;
                if (i > end) {
                    return null;
                }
                byte[] out = new byte[i - p];
                query.get(p, out);
                out[2] = (byte) (0x80 | 0x02 | (out[2] & 0x01));
                out[3] = 0;
                for (int k = 6; k < 12; k++) {
                    out[k] = 0;
                }
                return out;
            }
            if (length > 63) {
                return null;
            }
            i += 1 + length;
        }
        return null;
    }
}
