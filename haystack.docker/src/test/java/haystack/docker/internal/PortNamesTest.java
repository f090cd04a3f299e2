package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import haystack.api.Protocol;
import org.junit.jupiter.api.Test;

class PortNamesTest {

    @Test
    void ianaRegistryShippedWithTheBundle() {
        PortNames iana = PortNames.iana();
        assertEquals("http", iana.name(80, Protocol.TCP));
        assertEquals("http-alt", iana.name(8080, Protocol.TCP));
        assertEquals("redis", iana.name(6379, Protocol.TCP));
        assertEquals("domain", iana.name(53, Protocol.UDP));
        assertEquals("https", iana.name(443, Protocol.TCP));
        assertNull(iana.name(60999, Protocol.TCP));
    }

    @Test
    void firstNameWinsSinglesBeatRangesMalformedRowsSkipped() throws Exception {
        String csv = """
                Service Name,Port Number,Transport Protocol,Description
                first,100,tcp,x
                second,100,tcp,y
                range,99-101,tcp,"a, b"
                Bad Name,102,tcp,z
                ,103,tcp,unnamed
                nan,abc,tcp,z
                sctp-only,104,sctp,z
                """;
        PortNames names = PortNames.parse(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
        assertEquals("first", names.name(100, Protocol.TCP));
        assertEquals("range", names.name(99, Protocol.TCP));
        assertEquals("range", names.name(101, Protocol.TCP));
        assertNull(names.name(102, Protocol.TCP));
        assertNull(names.name(103, Protocol.TCP));
        assertNull(names.name(104, Protocol.TCP));
        assertNull(names.name(100, Protocol.UDP));
    }
}
