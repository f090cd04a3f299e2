package haystack.dns.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import haystack.api.Registry;
import haystack.api.RegistrySnapshot;
import haystack.api.zone.LookupResult;
import haystack.api.zone.ZoneLookup;
import haystack.api.zone.ZoneProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@link ZoneLookup} for the console: answers a name from the same classes the query path
 * uses ({@link ZoneTable} picks the zone, {@link Authority} looks it up,
 * {@link AuthoritativeAnswer} fills the sections), with the server's configuration and
 * the same zone providers, so {@code haystack:dns} shows what {@code dig} gets.
 */
@Component(service = ZoneLookup.class, configurationPid = "haystack.dns", configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class ServerLookup implements ZoneLookup {

    private final Registry registry;
    private final Authority authority;
    private final AuthoritativeAnswer answers;
    private final List<ZoneProvider> providers = new CopyOnWriteArrayList<>();

    @Activate
    public ServerLookup(DnsServer.Config config, @Reference Registry registry) {
        this(registry, DnsSettings.from(config));
    }

    /** A lookup outside OSGi (tests): add the server's providers with {@link #addZoneProvider}. */
    public ServerLookup(Registry registry, DnsSettings settings) {
        this(registry, settings.origin(), settings.ttl(), AdvertisedAddresses.resolve(settings.addresses()));
    }

    private ServerLookup(Registry registry, String origin, long ttl, List<InetAddress> advertised) {
        this.registry = registry;
        this.authority = new Authority(origin, advertised);
        this.answers = new AuthoritativeAnswer(authority, ttl);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addZoneProvider(ZoneProvider provider) {
        providers.add(provider);
    }

    public void removeZoneProvider(ZoneProvider provider) {
        providers.remove(provider);
    }

    @Override
    public LookupResult lookup(String name, int type) {
        Name qname = parse(name);
        if (!Type.isRR(type) || type == Type.OPT || type == Type.TSIG || type == Type.TKEY) {
            if (type != Type.ANY) {
                throw new IllegalArgumentException("type " + Type.string(type) + " is not a data type (AXFR, IXFR, OPT and the like are not looked up)");
            }
        }
        String typeName = Type.string(type);
        RegistrySnapshot snapshot = registry.snapshot();
        ZoneTable zones = ZoneTable.of(authority.origin(), providers);
        Authority.Lookup lookup = authority.lookup(Names.key(qname), snapshot, zones);
        if (lookup == null) {
            return LookupResult.notOwned(qname.toString(), typeName);
        }
        Record question = Record.newRecord(qname, type, DClass.IN);
        Message response = new Message();
        response.addRecord(question, Section.QUESTION);
        answers.fill(response, question, lookup, snapshot, zones);
        return new LookupResult(qname.toString(), typeName, true, response.getHeader().getRcode(), lookup.zoneApex(),
                entries(response, Section.ANSWER), entries(response, Section.AUTHORITY), entries(response, Section.ADDITIONAL));
    }

    private static Name parse(String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty()) {
            throw new IllegalArgumentException("no name given");
        }
        try {
            return Name.fromString(n.endsWith(".") ? n : n + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("'" + name + "' is not a domain name: " + e.getMessage());
        }
    }

    private static List<LookupResult.Entry> entries(Message response, int section) {
        List<LookupResult.Entry> out = new ArrayList<>();
        for (Record r : response.getSection(section)) {
            out.add(new LookupResult.Entry(r.getName().toString(), r.getTTL(), Type.string(r.getType()), r.rdataToString()));
        }
        return out;
    }
}
