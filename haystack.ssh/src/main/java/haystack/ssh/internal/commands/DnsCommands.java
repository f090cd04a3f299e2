package haystack.ssh.internal.commands;

import java.util.List;
import java.util.Locale;

import haystack.api.Registry;
import haystack.api.zone.RecordTypes;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneProvider;
import haystack.api.zone.ZoneQuery;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** {@code haystack:dns <name> [type]}: what Haystack's zones hold for a name, from the live registry. */
@Component(service = DnsCommands.class, configurationPid = "haystack.dns", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = { "osgi.command.scope=haystack", "osgi.command.function=dns" })
public final class DnsCommands {

    /** The part of the DNS server's configuration this reads. */
    public @interface Config {
        String origin() default "haystack";
    }

    private final Registry registry;
    private final String origin;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile List<ZoneProvider> zones;

    @Activate
    public DnsCommands(Config config, @Reference Registry registry) {
        this.registry = registry;
        this.origin = config.origin().toLowerCase(Locale.ROOT);
    }

    @Descriptor("show every record Haystack holds for a name")
    public String dns(@Descriptor("name, e.g. nginx.services.haystack") String name) {
        return dns(name, "ANY");
    }

    @Descriptor("show the records of one type Haystack holds for a name")
    public String dns(@Descriptor("name, e.g. nginx.services.haystack") String name,
            @Descriptor("A, AAAA, SRV, PTR, TXT or ANY") String type) {
        int wanted = typeCode(type);
        String qname = name.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        for (ZoneProvider provider : zones) {
            for (String zone : provider.zones()) {
                String apex = ZoneProvider.apex(zone, origin);
                if (qname.equals(apex) || qname.endsWith("." + apex)) {
                    return format(qname, apex, provider.lookup(new ZoneQuery(qname, origin, registry.snapshot())), wanted);
                }
            }
        }
        return qname + ": not in Haystack's zones (the DNS server forwards it to the upstreams)";
    }

    private static String format(String name, String zone, ZoneAnswer answer, int wanted) {
        if (!answer.exists()) {
            return name + ": NXDOMAIN in zone " + zone;
        }
        Table table = new Table("NAME", "TYPE", "DATA");
        for (ResourceRecord record : answer.records()) {
            if (wanted == RecordTypes.ANY || record.type() == wanted) {
                table.row(record.name(), typeName(record.type()), data(record));
            }
        }
        return table.size() == 0 ? name + ": NODATA (the name exists, with no records of that type)" : table.toString().stripTrailing();
    }

    private static String data(ResourceRecord record) {
        if (record instanceof ResourceRecord.Address a) {
            return a.address().getHostAddress();
        } else if (record instanceof ResourceRecord.Service s) {
            return s.priority() + " " + s.weight() + " " + s.port() + " " + s.target();
        } else if (record instanceof ResourceRecord.Pointer p) {
            return p.target();
        }
        return String.join(" ", ((ResourceRecord.Text) record).strings());
    }

    private static int typeCode(String type) {
        return switch (type.toUpperCase(Locale.ROOT)) {
            case "A" -> RecordTypes.A;
            case "AAAA" -> RecordTypes.AAAA;
            case "SRV" -> RecordTypes.SRV;
            case "PTR" -> RecordTypes.PTR;
            case "TXT" -> RecordTypes.TXT;
            case "ANY" -> RecordTypes.ANY;
            default -> throw new IllegalArgumentException("record type '" + type + "' is not one of A, AAAA, SRV, PTR, TXT, ANY");
        };
    }

    private static String typeName(int code) {
        return switch (code) {
            case RecordTypes.A -> "A";
            case RecordTypes.AAAA -> "AAAA";
            case RecordTypes.SRV -> "SRV";
            case RecordTypes.PTR -> "PTR";
            case RecordTypes.TXT -> "TXT";
            default -> String.valueOf(code);
        };
    }
}
