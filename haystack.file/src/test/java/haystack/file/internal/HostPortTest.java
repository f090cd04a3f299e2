package haystack.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet6Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void ipv4AndBracketedIpv6ParseToTheirCanonicalSpelling() throws Exception {
        assertEquals("10.0.0.7:8080", HostPort.parse(" 10.0.0.7:8080 ").toString());
        assertEquals("[fd00:0:0:0:0:0:0:7]:80", HostPort.parse("[fd00::7]:80").toString());
        assertEquals("[0:0:0:0:0:0:0:1]:1", HostPort.parse("[::1]:1").toString());
        assertEquals(new HostPort(InetAddress.getByName("10.0.0.7"), 65535), HostPort.parse("10.0.0.7:65535"));
        assertEquals(HostPort.parse("[fd00::7]:80"), HostPort.parse("[FD00:0::7]:80"), "one address, however spelt");
        assertEquals(true, HostPort.parse("[fd00::7]:80").address() instanceof Inet6Address);
    }

    @Test
    void namesAndMalformedLiteralsAreRefusedWithoutALookUp() {
        for (String bad : new String[] {"localhost:80", "example.com:80", "[example.com]:80", "[]:80", "[::1]", "[::1]:", "1.2.3.4:0",
                "1.2.3.4:+80", "1.2.3.04444:80", "1.2.3:80", "[::1%lo]:80", "999.1.1.1:80", "1.2.3.4:080000"}) {
            assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
        }
    }
}
