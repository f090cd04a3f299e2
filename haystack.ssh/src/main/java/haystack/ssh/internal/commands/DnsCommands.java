package haystack.ssh.internal.commands;

import java.util.List;
import java.util.Locale;

import haystack.api.zone.LookupResult;
import haystack.api.zone.RecordTypes;
import haystack.api.zone.ZoneLookup;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code haystack:dns <name> [type]}: what Haystack's DNS server answers for a name, asked
 * of the server itself ({@link ZoneLookup}). An unknown name (NXDOMAIN), a failed zone
 * (SERVFAIL) or a bad question is an error: {@code ssh host 'haystack:dns ...'} exits 1.
 */
@Component(service = DnsCommands.class, property = { "osgi.command.scope=haystack", "osgi.command.function=dns" })
public final class DnsCommands {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile ZoneLookup lookup;

    public DnsCommands() {
    }

    /** Commands on a given lookup (tests). */
    public DnsCommands(ZoneLookup lookup) {
        this.lookup = lookup;
    }

    @Descriptor("show what Haystack's DNS server answers for a name (type ANY: one record set, as the server answers)")
    public String dns(@Descriptor("name, e.g. nginx.services.haystack") String name) {
        return dns(name, "ANY");
    }

    @Descriptor("show what Haystack's DNS server answers for a name and type")
    public String dns(@Descriptor("name, e.g. nginx.services.haystack") String name,
            @Descriptor("A, AAAA, SRV, PTR, TXT, SOA, NS, ANY or TYPEnnn") String type) {
        ZoneLookup l = lookup;
        if (l == null) {
            throw new IllegalStateException("the DNS server is not running (bundle haystack.dns or its configuration missing)");
        }
        LookupResult result = l.lookup(name, typeCode(type));
        if (!result.owned()) {
            return result.name() + " " + result.type() + ": not in Haystack's zones (the DNS server forwards it to the upstreams)";
        }
        String status = result.name() + " " + result.type() + ": " + result.rcodeName() + " (zone " + result.zone() + ")";
        if (result.rcode() != LookupResult.NOERROR) {
            throw new IllegalArgumentException(status);
        }
        if (result.answer().isEmpty()) {
            return status + ", NODATA: the name exists, with no records of that type";
        }
        StringBuilder out = new StringBuilder(table(result.answer()));
        if (!result.additional().isEmpty()) {
            out.append("additional:\n").append(table(result.additional()));
        }
        return out.toString().stripTrailing();
    }

    private static String table(List<LookupResult.Entry> entries) {
        Table table = new Table("NAME", "TTL", "TYPE", "DATA");
        entries.forEach(e -> table.row(e.name(), e.ttl(), e.type(), e.data()));
        return table.toString();
    }

    static int typeCode(String type) {
        String t = type.toUpperCase(Locale.ROOT);
        return switch (t) {
            case "A" -> RecordTypes.A;
            case "NS" -> RecordTypes.NS;
            case "SOA" -> RecordTypes.SOA;
            case "PTR" -> RecordTypes.PTR;
            case "TXT" -> RecordTypes.TXT;
            case "AAAA" -> RecordTypes.AAAA;
            case "SRV" -> RecordTypes.SRV;
            case "ANY" -> RecordTypes.ANY;
            default -> generic(type, t);
        };
    }

    /** RFC 3597 §5: TYPE followed by the decimal code. */
    private static int generic(String type, String upper) {
        if (upper.startsWith("TYPE") && upper.length() > 4 && upper.length() <= 9 && upper.substring(4).chars().allMatch(Character::isDigit)) {
            int code = Integer.parseInt(upper.substring(4));
            if (code >= 1 && code <= 65535) {
                return code;
            }
        }
        throw new IllegalArgumentException("record type '" + type + "' is not one of A, AAAA, SRV, PTR, TXT, SOA, NS, ANY or TYPEnnn");
    }
}
