package haystack.dns.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import haystack.api.RegistrySnapshot;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Haystack is authoritative for: its origin's apex (SOA, NS, the advertised
 * addresses), every provider zone, and NXDOMAIN for the rest of the origin's tree.
 */
final class Authority {

    private static final Logger LOG = LoggerFactory.getLogger(Authority.class);

    /** The outcome of a lookup of a name Haystack owns; {@code zoneApex} names the SOA to cite, and is the name at an apex. */
    record Lookup(ZoneAnswer answer, String zoneApex, boolean failed) {
    }

    private final String origin;
    private final String originSuffix;
    private final ZoneAnswer apex;
    private volatile ZoneTable zones = ZoneTable.EMPTY;

    Authority(String origin, List<InetAddress> advertised) {
        this.origin = origin;
        this.originSuffix = "." + origin;
        List<ResourceRecord> records = new ArrayList<>();
        advertised.forEach(a -> records.add(new ResourceRecord.Address(origin, a)));
        this.apex = ZoneAnswer.of(records);
    }

    String origin() {
        return origin;
    }

    void zones(ZoneTable table) {
        this.zones = table;
    }

    ZoneTable zones() {
        return zones;
    }

    /**
     * Whether {@code name} (lower case, no trailing dot) is in a domain Haystack owns
     * outright, the origin's tree: no upstream's record for such a name is relayed or
     * cached. The reverse trees are not owned (Haystack holds only its containers' names
     * there); domains added beside the origin belong here when they come.
     */
    boolean owns(String name) {
        return name.equals(origin) || name.endsWith(originSuffix);
    }

    /**
     * Looks {@code name} (lower case, no trailing dot) up; null when Haystack does not own
     * it and it is the upstreams' to answer. The apex's SOA and NS are added by the caller.
     */
    Lookup lookup(String name, RegistrySnapshot snapshot, ZoneTable zones) {
        if (name.equals(origin)) {
            return new Lookup(apex, origin, false);
        }
        ZoneTable.Zone zone = zones.find(name);
        boolean underOrigin = name.endsWith(originSuffix);
        if (zone == null) {
            return underOrigin ? new Lookup(ZoneAnswer.nxdomain(), origin, false) : null;
        }
        ZoneAnswer answer;
        try {
            answer = zone.provider().lookup(new ZoneQuery(name, origin, snapshot));
        } catch (RuntimeException e) {
            LOG.warn("zone provider failed zone={} name={} error={}", zone.apex(), name, e.toString());
            return new Lookup(ZoneAnswer.nxdomain(), zone.apex(), true);
        }
        if (!zone.underOrigin() && wholeZone(zone)) {
            // a service domain (service.consul): every name under it is Haystack's, its SOA at the apex
            return new Lookup(answer == null ? ZoneAnswer.nxdomain() : answer, zone.apex(), false);
        }
        if (answer == null || (!answer.exists() && !zone.underOrigin())) {
            return zone.underOrigin() ? new Lookup(ZoneAnswer.nxdomain(), origin, false) : null;
        }
        // A zone outside the origin claims only the names it holds, so each is the apex of its
        // own zone: its NODATA cites an SOA Haystack serves (RFC 2308 §3), not in-addr.arpa's.
        return new Lookup(answer, zone.underOrigin() ? origin : name, false);
    }

    private static boolean wholeZone(ZoneTable.Zone zone) {
        try {
            return zone.provider().answersWholeZone(zone.apex());
        } catch (RuntimeException e) {
            LOG.warn("zone provider failed zone={} error={}", zone.apex(), e.toString());
            return false;
        }
    }
}
