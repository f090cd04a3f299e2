package haystack.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;
import haystack.dns.internal.zones.ContainersZone;
import haystack.dns.internal.zones.ReverseZone;
import haystack.dns.internal.zones.ServicesZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Before the registry is ready (SPEC §4) a name Haystack owns but has not seen is
 * SERVFAIL, never NXDOMAIN or NODATA, which resolvers cache for the SOA's minimum; what is
 * known is answered as usual; once ready the negative answers come back.
 */
class NotReadyTest {

    private final Endpoint web = DnsFixture.endpoint("web", "web-1", "10.0.0.5", 80, "http");
    private final AtomicReference<RegistrySnapshot> now = new AtomicReference<>(new RegistrySnapshot(1, List.of(web), false));
    private final DnsServer server = new DnsServer(DnsFixture.registryOf(now::get));

    @BeforeEach
    void start() throws Exception {
        server.addZoneProvider(new ServicesZone(List.of(InetAddress.getByName(DnsFixture.ADVERTISED))));
        server.addZoneProvider(new ContainersZone());
        server.addZoneProvider(new ReverseZone());
        server.start(DnsFixture.settings("haystack", List.of(), List.of("127.0.0.0/8"), 5));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void unknownOwnedNamesAreServfailUntilReadyThenNxdomain() throws Exception {
        for (String name : List.of("nosuch.services.haystack.", "nosuch.containers.haystack.", "nosuch.haystack.")) {
            Message m = query(name, Type.A);
            assertEquals(Rcode.SERVFAIL, m.getRcode(), name + "\n" + m);
            assertFalse(m.getHeader().getFlag(Flags.AA), "no authority claimed for a guess");
            assertTrue(m.getSection(Section.AUTHORITY).isEmpty(), "no SOA to cache a negative answer by");
        }
        Message nodata = query("web.services.haystack.", Type.AAAA);
        assertEquals(Rcode.SERVFAIL, nodata.getRcode(), "NODATA is negative too:\n" + nodata);

        Message known = query("web.services.haystack.", Type.A);
        assertEquals(Rcode.NOERROR, known.getRcode());
        assertEquals(1, known.getSection(Section.ANSWER).size(), known.toString());
        assertEquals(Rcode.NOERROR, query("haystack.", Type.SOA).getRcode(), "the apex is known");

        now.set(new RegistrySnapshot(2, List.of(web), true));
        Message nx = query("nosuch.services.haystack.", Type.A);
        assertEquals(Rcode.NXDOMAIN, nx.getRcode(), "once ready, the cached SERVFAIL of the old snapshot is gone:\n" + nx);
        assertTrue(nx.getHeader().getFlag(Flags.AA));
        assertEquals(Type.SOA, nx.getSection(Section.AUTHORITY).get(0).getType());
        Message nodataNow = query("web.services.haystack.", Type.AAAA);
        assertEquals(Rcode.NOERROR, nodataNow.getRcode());
        assertEquals(Type.SOA, nodataNow.getSection(Section.AUTHORITY).get(0).getType());
    }

    private Message query(String name, int type) throws Exception {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", server.port()));
        r.setTimeout(Duration.ofSeconds(3));
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }
}
