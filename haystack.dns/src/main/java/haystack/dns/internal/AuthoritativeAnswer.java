package haystack.dns.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import haystack.api.RegistrySnapshot;
import haystack.api.zone.RecordTypes;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Turns a lookup in Haystack's own zones into the sections of an authoritative response,
 * in one place: answer, NODATA or NXDOMAIN each with the zone's SOA in the authority
 * section (RFC 2308 §2), ANY answered with one RRset (RFC 8482 §4.2), and the addresses
 * of SRV targets and name servers in the additional section (RFC 2782, RFC 1035 §4.3.2).
 * Before the registry is ready a negative answer would be a guess that resolvers cache
 * for the SOA's minimum (RFC 2308 §5): it is SERVFAIL instead, which they retry.
 */
final class AuthoritativeAnswer {

    private static final long REFRESH = 3600;
    private static final long RETRY = 600;
    private static final long EXPIRE = 86400;

    private final Authority authority;
    private final long ttl;
    private final Name origin;
    private final Name hostmaster;

    AuthoritativeAnswer(Authority authority, long ttl) {
        this.authority = authority;
        this.ttl = ttl;
        this.origin = name(authority.origin());
        this.hostmaster = name("hostmaster." + authority.origin());
    }

    /**
     * Fills {@code response} (header, question and OPT already set) for {@code question};
     * returns what the response was made from, for {@link AnswerCache}.
     */
    AnswerCache.Basis fill(Message response, Record question, Authority.Lookup lookup, RegistrySnapshot snapshot, ZoneTable zones) {
        String qname = Names.key(question.getName());
        if (lookup.failed()) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return ownSnapshotOnly(qname, null);
        }
        response.getHeader().setFlag(Flags.AA);
        ZoneAnswer answer = lookup.answer();
        if (!answer.exists() && !snapshot.ready()) {
            notReady(response);
            return ownSnapshotOnly(qname, answer);
        }
        if (!answer.exists()) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            response.addRecord(soa(lookup.zoneApex(), snapshot), Section.AUTHORITY);
            return ownSnapshotOnly(qname, answer);
        }
        Name owner = question.getName();
        boolean atApex = qname.equals(lookup.zoneApex());
        List<Record> records = new ArrayList<>();
        if (atApex) {
            records.add(soa(lookup.zoneApex(), snapshot).withName(owner));
            records.add(new NSRecord(owner, DClass.IN, ttl, origin));
        }
        for (ResourceRecord r : answer.records()) {
            records.add(toRecord(r, owner));
        }
        int qtype = question.getType();
        if (qtype == Type.ANY && !records.isEmpty()) {
            qtype = records.get(0).getType();
        }
        Set<Name> targets = new LinkedHashSet<>();
        for (Record r : records) {
            if (r.getType() == qtype) {
                response.addRecord(r, Section.ANSWER);
                if (r instanceof SRVRecord srv) {
                    targets.add(srv.getTarget());
                } else if (r instanceof NSRecord ns) {
                    targets.add(ns.getTarget());
                }
            }
        }
        if (response.getSection(Section.ANSWER).isEmpty()) {
            if (!snapshot.ready()) {
                notReady(response);
                return ownSnapshotOnly(qname, answer);
            }
            response.addRecord(soa(lookup.zoneApex(), snapshot), Section.AUTHORITY);
            return ownSnapshotOnly(qname, answer);
        }
        String[] names = new String[targets.size() + 1];
        ZoneAnswer[] answers = new ZoneAnswer[names.length];
        names[0] = qname;
        answers[0] = answer;
        int i = 1;
        for (Name target : targets) {
            names[i] = Names.key(target);
            answers[i] = additional(response, target, names[i], snapshot, zones);
            i++;
        }
        // the apex's SOA carries the registry version as its serial
        return new AnswerCache.Basis(names, answers, atApex);
    }

    private static AnswerCache.Basis ownSnapshotOnly(String qname, ZoneAnswer answer) {
        return new AnswerCache.Basis(new String[] { qname }, new ZoneAnswer[] { answer }, true);
    }

    /** What {@link #fill} and the additional section see at {@code name}: null when Haystack has no answer there. */
    ZoneAnswer answerAt(String name, RegistrySnapshot snapshot, ZoneTable zones) {
        Authority.Lookup l = authority.lookup(name, snapshot, zones);
        return l == null || l.failed() ? null : l.answer();
    }

    /** SERVFAIL without AA or records: the registry has not seen every source yet. */
    private static void notReady(Message response) {
        response.getHeader().unsetFlag(Flags.AA);
        response.getHeader().setRcode(Rcode.SERVFAIL);
    }

    /** Adds the addresses Haystack holds at {@code target} (lower case: {@code lower}); returns the answer they came from. */
    private ZoneAnswer additional(Message response, Name target, String lower, RegistrySnapshot snapshot, ZoneTable zones) {
        ZoneAnswer at = answerAt(lower, snapshot, zones);
        if (at == null) {
            return null;
        }
        for (ResourceRecord r : at.records()) {
            if (r.type() == RecordTypes.A || r.type() == RecordTypes.AAAA) {
                response.addRecord(toRecord(r, target), Section.ADDITIONAL);
            }
        }
        return at;
    }

    /** The SOA of {@code zoneApex}; its serial is the registry version, its minimum the TTL. */
    Record soa(String zoneApex, RegistrySnapshot snapshot) {
        Name zone = zoneApex.equals(authority.origin()) ? origin : name(zoneApex);
        long serial = snapshot.version() & 0xffffffffL;
        return new SOARecord(zone, DClass.IN, ttl, origin, hostmaster, serial, REFRESH, RETRY, EXPIRE, ttl);
    }

    private Record toRecord(ResourceRecord r, Name owner) {
        if (r instanceof ResourceRecord.Address a) {
            return a.address() instanceof Inet6Address v6 ? new AAAARecord(owner, DClass.IN, ttl, v6)
                    : new ARecord(owner, DClass.IN, ttl, (Inet4Address) a.address());
        } else if (r instanceof ResourceRecord.Service s) {
            return new SRVRecord(owner, DClass.IN, ttl, s.priority(), s.weight(), s.port(), name(s.target()));
        } else if (r instanceof ResourceRecord.Pointer p) {
            return new PTRRecord(owner, DClass.IN, ttl, name(p.target()));
        } else if (r instanceof ResourceRecord.Text t) {
            return new TXTRecord(owner, DClass.IN, ttl, t.strings());
        }
        throw new IllegalArgumentException("unknown record " + r);
    }

    static Name name(String absolute) {
        try {
            return Name.fromString(absolute + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a domain name: " + absolute, e);
        }
    }
}
