package haystack.dns.internal.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ForwardCacheTest {

    private static final long SECOND = 1_000_000_000L;

    private static Message answer(long... ttls) throws Exception {
        Name n = Name.fromString("a.example.");
        Message m = Message.newQuery(Record.newRecord(n, Type.A, DClass.IN));
        for (long ttl : ttls) {
            m.addRecord(new ARecord(n, DClass.IN, ttl, InetAddress.getByName("10.0.0." + ttl)), Section.ANSWER);
        }
        return m;
    }

    private static Message negative(int rcode, long soaTtl, long minimum) throws Exception {
        Message m = answer();
        m.getHeader().setRcode(rcode);
        m.addRecord(new SOARecord(Name.fromString("example."), DClass.IN, soaTtl, Name.fromString("ns.example."),
                Name.fromString("h.example."), 1, 2, 3, 4, minimum), Section.AUTHORITY);
        return m;
    }

    @Test
    void positiveAnswersLiveForTheirSmallestTtl() throws Exception {
        assertEquals(30, ForwardCache.ttl(answer(30, 60)));
    }

    @Test
    void negativeAnswersLiveForTheSoaNegativeTtl() throws Exception {
        assertEquals(20, ForwardCache.ttl(negative(Rcode.NXDOMAIN, 20, 300)));
        assertEquals(15, ForwardCache.ttl(negative(Rcode.NOERROR, 600, 15)));
        Message noSoa = answer();
        noSoa.getHeader().setRcode(Rcode.NXDOMAIN);
        assertEquals(0, ForwardCache.ttl(noSoa));
    }

    @Test
    void failuresAndTruncatedAnswersAreNotCached() throws Exception {
        Message servfail = answer(30);
        servfail.getHeader().setRcode(Rcode.SERVFAIL);
        assertEquals(0, ForwardCache.ttl(servfail));
        Message truncated = answer(30);
        truncated.getHeader().setFlag(Flags.TC);
        assertEquals(0, ForwardCache.ttl(truncated));
    }

    @Test
    void hitsCountTheirTtlDownAndExpire() throws Exception {
        ForwardCache cache = new ForwardCache(10);
        cache.put("k", answer(30), 0);
        assertEquals(20, cache.get("k", 10 * SECOND).getSection(Section.ANSWER).get(0).getTTL());
        assertNull(cache.get("k", 30 * SECOND));
    }

    @Test
    void aFullCacheDropsExpiredEntriesFirst() throws Exception {
        ForwardCache cache = new ForwardCache(2);
        cache.put("a", answer(5), 0);
        cache.put("b", answer(50), 0);
        cache.put("c", answer(50), 1 * SECOND);
        assertNull(cache.get("c", 1 * SECOND));
        cache.put("d", answer(50), 10 * SECOND);
        assertEquals(2, cache.size());
        assertNull(cache.get("a", 10 * SECOND));
        assertEquals(40, cache.get("d", 20 * SECOND).getSection(Section.ANSWER).get(0).getTTL());
    }
}
