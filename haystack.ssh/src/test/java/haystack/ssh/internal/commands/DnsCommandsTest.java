package haystack.ssh.internal.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import haystack.api.zone.LookupResult;
import haystack.api.zone.RecordTypes;
import org.junit.jupiter.api.Test;

/** haystack:dns prints what the lookup answers and fails (exit 1 over ssh) on what is not an answer. */
class DnsCommandsTest {

    private final List<String> asked = new ArrayList<>();

    private DnsCommands commands(LookupResult result) {
        return new DnsCommands((name, type) -> {
            asked.add(name + " " + type);
            return result;
        });
    }

    private static LookupResult result(int rcode, List<LookupResult.Entry> answer, List<LookupResult.Entry> additional) {
        return new LookupResult("x.services.haystack.", "A", true, rcode, "haystack", answer, List.of(), additional);
    }

    @Test
    void anAnswerIsATableOfRecordsWithTheAdditionalOnesAfter() {
        LookupResult srv = result(LookupResult.NOERROR,
                List.of(new LookupResult.Entry("_http._tcp.nginx.services.haystack.", 5, "SRV", "0 1 80 nginx-1.containers.haystack.")),
                List.of(new LookupResult.Entry("nginx-1.containers.haystack.", 5, "A", "172.17.0.2")));
        String out = commands(srv).dns("_http._tcp.nginx.services.haystack", "srv");
        assertEquals(List.of("_http._tcp.nginx.services.haystack " + RecordTypes.SRV), asked);
        List<String> lines = out.lines().toList();
        assertEquals("NAME                                 TTL  TYPE  DATA", lines.get(0));
        assertEquals("_http._tcp.nginx.services.haystack.  5    SRV   0 1 80 nginx-1.containers.haystack.", lines.get(1));
        assertEquals("additional:", lines.get(2));
        assertTrue(lines.get(4).endsWith("A     172.17.0.2"), out);
    }

    @Test
    void nxdomainAndServfailAreErrorsNodataIsNot() {
        IllegalArgumentException nx = assertThrows(IllegalArgumentException.class,
                () -> commands(result(LookupResult.NXDOMAIN, List.of(), List.of())).dns("x.services.haystack", "A"));
        assertEquals("x.services.haystack. A: NXDOMAIN (zone haystack)", nx.getMessage());
        assertThrows(IllegalArgumentException.class, () -> commands(result(LookupResult.SERVFAIL, List.of(), List.of())).dns("x.services.haystack", "A"));
        assertTrue(commands(result(LookupResult.NOERROR, List.of(), List.of())).dns("x.services.haystack", "TXT").contains("NODATA"));
    }

    @Test
    void aNameOutsideHaystacksZonesIsSaidToBeForwarded() {
        String out = commands(LookupResult.notOwned("example.com.", "A")).dns("example.com", "A");
        assertTrue(out.contains("forwards it to the upstreams"), out);
    }

    @Test
    void typesByMnemonicOrRfc3597NumberAnythingElseIsAnError() {
        assertEquals(RecordTypes.AAAA, DnsCommands.typeCode("aaaa"));
        assertEquals(RecordTypes.ANY, DnsCommands.typeCode("ANY"));
        assertEquals(99, DnsCommands.typeCode("TYPE99"));
        for (String bad : new String[] { "BOGUS", "TYPE", "TYPE0", "TYPE65536", "TYPE-1", "TYPE99999999999" }) {
            assertThrows(IllegalArgumentException.class, () -> DnsCommands.typeCode(bad), bad);
        }
    }

    @Test
    void withoutTheDnsServerTheCommandSaysSo() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new DnsCommands().dns("x.services.haystack"));
        assertTrue(e.getMessage().contains("DNS server is not running"), e.getMessage());
    }
}
