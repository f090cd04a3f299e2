package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class AddressRangeTest {

    @Test
    void matchesByPrefix() throws Exception {
        AddressRange r = AddressRange.parse("172.16.0.0/12");
        assertTrue(r.contains(InetAddress.getByName("172.31.255.1")));
        assertFalse(r.contains(InetAddress.getByName("172.32.0.1")));
        assertFalse(r.contains(InetAddress.getByName("fd00::1")));
    }

    @Test
    void ipv6AndMappedIpv4() throws Exception {
        assertTrue(AddressRange.parse("fc00::/7").contains(InetAddress.getByName("fd12:3456::1")));
        assertFalse(AddressRange.parse("fc00::/7").contains(InetAddress.getByName("2001:db8::1")));
        assertTrue(AddressRange.parse("10.0.0.0/8").contains(java.net.Inet6Address.getByAddress(null,
                new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3 }, null)));
    }

    @Test
    void defaultsCoverLoopbackAndPrivateRanges() throws Exception {
        for (String client : new String[] { "127.0.0.1", "::1", "10.2.3.4", "192.168.1.1", "172.17.0.2", "fd00::2" }) {
            assertTrue(AddressRange.DEFAULT_ALLOW.stream().map(AddressRange::parse)
                    .anyMatch(r -> r.contains(addr(client))), client);
        }
        assertFalse(AddressRange.DEFAULT_ALLOW.stream().map(AddressRange::parse).anyMatch(r -> r.contains(addr("8.8.8.8"))));
    }

    @Test
    void theConfigurationDefaultIsTheDocumentedList() throws Exception {
        Object configured = DnsServer.Config.class.getMethod("allow").getDefaultValue();
        org.junit.jupiter.api.Assertions.assertEquals(AddressRange.DEFAULT_ALLOW, java.util.List.of((String[]) configured));
    }

    @Test
    void anIpv4ClientMatchesAsItsBytesDoAtEveryPrefixLength() throws Exception {
        java.util.Random random = new java.util.Random(20);
        for (int i = 0; i < 20_000; i++) {
            byte[] client = new byte[4];
            random.nextBytes(client);
            byte[] network = i % 2 == 0 ? client.clone() : new byte[4];
            if (i % 2 != 0) {
                random.nextBytes(network);
            }
            int prefix = random.nextInt(33);
            AddressRange range = AddressRange.parse(InetAddress.getByAddress(network).getHostAddress() + "/" + prefix);
            boolean byBytes = true;
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                byBytes &= (client[bit / 8] & mask) == (range.network()[bit / 8] & mask);
            }
            org.junit.jupiter.api.Assertions.assertEquals(byBytes, range.contains(InetAddress.getByAddress(client)), range + " " + java.util.Arrays.toString(client));
        }
    }

    private static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
