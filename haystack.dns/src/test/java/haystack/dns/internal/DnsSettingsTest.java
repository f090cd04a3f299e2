package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Each kind of bad setting is refused with the setting, the value and what is allowed. */
class DnsSettingsTest {

    private static void rejected(String setting, String value, Runnable parse) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse::run);
        assertTrue(e.getMessage().contains("setting " + setting + "='" + value + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
    }

    @Test
    void clientLimitsOutsideTheirRanges() {
        rejected("tcp.max.connections", "0", () -> new ClientLimits(0, 32, 10_000, 1232, 0, 2));
        rejected("tcp.max.per.client", "-1", () -> new ClientLimits(128, -1, 10_000, 1232, 0, 2));
        rejected("tcp.idle.timeout", "0", () -> new ClientLimits(128, 32, 0, 1232, 0, 2));
        rejected("udp.max", "4096", () -> new ClientLimits(128, 32, 10_000, 4096, 0, 2));
        rejected("udp.max", "511", () -> new ClientLimits(128, 32, 10_000, 511, 0, 2));
        rejected("rrl", "-5", () -> new ClientLimits(128, 32, 10_000, 1232, -5, 2));
        rejected("rrl.slip", "-1", () -> new ClientLimits(128, 32, 10_000, 1232, 0, -1));
    }

    @Test
    void udpLimitIsTheClientsAdvertisedSizeWithinTheFloorAndTheMaximum() {
        ClientLimits l = new ClientLimits(128, 32, 10_000, 1000, 0, 2);
        assertEquals(512, l.udpLimit(0));
        assertEquals(512, l.udpLimit(100));
        assertEquals(800, l.udpLimit(800));
        assertEquals(1000, l.udpLimit(4096));
        assertEquals(1232, ClientLimits.DEFAULT.udpLimit(65535));
    }

    @Test
    void portOutsideRange() {
        rejected("port", "70000", () -> DnsSettings.port("port", 70000));
        rejected("port", "-1", () -> DnsSettings.port("port", -1));
    }

    @Test
    void bindMustBeAddresses() {
        rejected("bind", "localhost", () -> DnsSettings.addresses("bind", new String[] { "localhost" }));
        rejected("bind", "300.1.1.1", () -> DnsSettings.addresses("bind", new String[] { "300.1.1.1" }));
        assertEquals(2, DnsSettings.addresses("bind", new String[] { "0.0.0.0", "::" }).size());
    }

    @Test
    void originMustBeADomainName() {
        rejected("origin", "Bad_Origin", () -> DnsSettings.origin("Bad_Origin"));
        rejected("origin", "", () -> DnsSettings.origin(""));
        rejected("origin", "a..b", () -> DnsSettings.origin("a..b"));
        assertEquals("docker.local", DnsSettings.origin("Docker.Local."));
    }

    @Test
    void ttlMustNotBeNegative() {
        rejected("ttl", "-5", () -> DnsSettings.ttl(-5));
        assertEquals(0, DnsSettings.ttl(0));
    }

    @Test
    void nameserversAreHostAndOptionalPort() {
        assertEquals(List.of(new InetSocketAddress("10.0.0.2", 53), new InetSocketAddress("10.0.0.3", 5353),
                new InetSocketAddress("::1", 5353), new InetSocketAddress("fd00::1", 53)),
                DnsSettings.nameservers(new String[] { "10.0.0.2", "10.0.0.3:5353", "[::1]:5353", "fd00::1" }));
        rejected("nameservers", "10.0.0.2:0", () -> DnsSettings.nameservers(new String[] { "10.0.0.2:0" }));
        rejected("nameservers", "10.0.0.2:dns", () -> DnsSettings.nameservers(new String[] { "10.0.0.2:dns" }));
        rejected("nameservers", "dns.example", () -> DnsSettings.nameservers(new String[] { "dns.example" }));
        rejected("nameservers", "[::1", () -> DnsSettings.nameservers(new String[] { "[::1" }));
    }

    @Test
    void allowMustBeCidrBlocks() {
        rejected("allow", "10.0.0.0/33", () -> DnsSettings.allow(new String[] { "10.0.0.0/33" }));
        rejected("allow", "ten/8", () -> DnsSettings.allow(new String[] { "ten/8" }));
        rejected("allow", "::1/129", () -> DnsSettings.allow(new String[] { "::1/129" }));
        assertEquals(2, DnsSettings.allow(new String[] { "10.0.0.0/8", "::1" }).size());
    }

    @Test
    void workersAndTimeoutMustBePositive() {
        rejected("workers", "0", () -> DnsSettings.positive("workers", 0));
        rejected("forward.timeout", "-1", () -> DnsSettings.positive("forward.timeout", -1));
    }
}
