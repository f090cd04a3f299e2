package haystack.dns.internal;

/**
 * What one client may take of the DNS server (SPEC §4 "Hostile clients"): TCP
 * connections in all and per client address, how long a TCP connection may go without
 * completing a message, the largest UDP answer, and UDP answers per second per client
 * network ({@code rrl} 0: no limit) of which every {@code rrlSlip}th limited one is sent
 * truncated instead of dropped (0: all dropped).
 */
public record ClientLimits(int tcpMaxConnections, int tcpMaxPerClient, long tcpIdleTimeoutMillis, int udpMax,
        int rrl, int rrlSlip) {

    /** RFC 1035's floor for UDP answers; every client takes this much. */
    static final int MIN_UDP = 512;
    /** The DNS flag day 2020 size: no fragmentation on any usual path. */
    static final int MAX_UDP = 1232;

    /** The defaults of {@link DnsServer.Config}: nsd's 128 connections, its 10 s-ish idle timeout, 1232 bytes, no RRL. */
    public static final ClientLimits DEFAULT = new ClientLimits(128, 32, 10_000, MAX_UDP, 0, 2);

    public ClientLimits {
        if (tcpMaxConnections < 1) {
            throw DnsSettings.bad("tcp.max.connections", tcpMaxConnections, "a positive number");
        }
        if (tcpMaxPerClient < 0) {
            throw DnsSettings.bad("tcp.max.per.client", tcpMaxPerClient, "a number, 0 or more (0: no limit)");
        }
        if (tcpIdleTimeoutMillis < 1) {
            throw DnsSettings.bad("tcp.idle.timeout", tcpIdleTimeoutMillis, "milliseconds, 1 or more");
        }
        if (udpMax < MIN_UDP || udpMax > MAX_UDP) {
            throw DnsSettings.bad("udp.max", udpMax, "bytes, " + MIN_UDP + "-" + MAX_UDP);
        }
        if (rrl < 0) {
            throw DnsSettings.bad("rrl", rrl, "responses per second, 0 or more (0: no limit)");
        }
        if (rrlSlip < 0) {
            throw DnsSettings.bad("rrl.slip", rrlSlip, "a number, 0 or more (0: drop every limited response)");
        }
    }

    /** The largest UDP answer to a client that advertised {@code advertised} bytes (0: no EDNS). */
    int udpLimit(int advertised) {
        return Math.min(udpMax, Math.max(MIN_UDP, advertised));
    }
}
