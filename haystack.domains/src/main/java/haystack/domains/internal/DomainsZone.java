package haystack.domains.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import haystack.api.ServiceNames;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneProvider;
import haystack.api.zone.ZoneQuery;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service domains for migrating users (SPEC §4, {@code HAYSTACK_DNS_DOMAINS}): every
 * configured domain answers {@code <service>.<domain>}, {@code <group>.<service>.<domain>}
 * and {@code _<port>._tcp.<service>.<domain>} exactly as the services zone answers the
 * same name under {@code services.<origin>} (it asks that zone, a {@link ZoneProvider}
 * service like this one); {@code service.consul} also speaks Consul's grammar
 * ({@link ConsulGrammar}). Only the zone SPI of haystack.api is used: this bundle can be
 * stopped and started alone, its names going and coming with it.
 */
@Component(service = ZoneProvider.class, configurationPid = DomainsZone.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DomainsZone.Config.class)
public final class DomainsZone implements ZoneProvider {

    public static final String PID = "haystack.domains";
    /** The services zone's name under the origin (SPEC §4). */
    static final String SERVICES = "services";
    /** The domain that also speaks Consul's DNS grammar. */
    static final String CONSUL = "service.consul";
    private static final Logger LOG = LoggerFactory.getLogger(DomainsZone.class);

    @ObjectClassDefinition(name = "Haystack service domains")
    public @interface Config {
        @AttributeDefinition(description = "Extra domains answered from the registry, such as service.consul or highhock.local (HAYSTACK_DNS_DOMAINS)")
        String[] domains() default {};
    }

    /** The last snapshot's index; racing threads may each build one, either is right. */
    private volatile ServiceIndex lastIndex;

    /** Longest first, so a name is matched to the most specific domain. */
    private final List<String> domains;

    /** Every other zone provider; the services zone is the one that owns {@code services}. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(!(component.name=haystack.domains.internal.DomainsZone))")
    volatile List<ZoneProvider> providers = List.of();

    @Activate
    public DomainsZone(Config config) {
        this(List.of(config.domains()));
        LOG.info("dns service domains domains={}", domains);
    }

    /** A zone answering {@code domains} (absolute, without the trailing dot). */
    public DomainsZone(List<String> domains) {
        Set<String> valid = new LinkedHashSet<>();
        for (String d : domains) {
            String domain = d.strip().toLowerCase(Locale.ROOT);
            domain = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
            if (ServiceNames.isValidHostName(domain)) {
                valid.add(domain);
            } else if (!domain.isEmpty()) {
                LOG.warn("ignoring service domain domain={} reason=not a DNS name", d);
            }
        }
        List<String> sorted = new ArrayList<>(valid);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        this.domains = List.copyOf(sorted);
    }

    @Override
    public List<String> zones() {
        return domains.stream().map(d -> d + ".").toList();
    }

    /** A service domain is Haystack's whole: a name it does not hold is NXDOMAIN, never forwarded. */
    @Override
    public boolean answersWholeZone(String apex) {
        return domains.contains(apex);
    }

    @Override
    public ZoneAnswer lookup(ZoneQuery query) {
        String name = query.name();
        for (String domain : domains) {
            if (name.equals(domain)) {
                return ZoneAnswer.emptyNonTerminal();
            }
            if (name.endsWith("." + domain)) {
                return lookup(query, domain, name.substring(0, name.length() - domain.length() - 1));
            }
        }
        return ZoneAnswer.nxdomain();
    }

    private ZoneAnswer lookup(ZoneQuery query, String domain, String relative) {
        ServicesView services = servicesView(query);
        if (services == null) {
            return ZoneAnswer.nxdomain();
        }
        ZoneAnswer plain = services.at(relative, query.name());
        if (plain.exists() || !domain.equals(CONSUL)) {
            return plain;
        }
        ServiceIndex index = ServiceIndex.of(query.registry(), lastIndex);
        lastIndex = index;
        return new ConsulGrammar(services, query, index).lookup(relative);
    }

    private ServicesView servicesView(ZoneQuery query) {
        for (ZoneProvider p : providers) {
            try {
                if (p.zones().contains(SERVICES)) {
                    return new ServicesView(p, query);
                }
            } catch (RuntimeException e) {
                LOG.warn("zone provider failed provider={} error={}", p.getClass().getName(), e.toString());
            }
        }
        return null;
    }

    /** The services zone seen from a domain: its answer at {@code <relative>.services.<origin>} with owners renamed. */
    static final class ServicesView {
        private final ZoneProvider zone;
        private final ZoneQuery query;
        private final String suffix;

        ServicesView(ZoneProvider zone, ZoneQuery query) {
            this.zone = zone;
            this.query = query;
            this.suffix = "." + SERVICES + "." + query.origin();
        }

        String origin() {
            return query.origin();
        }

        /** What the services zone holds at {@code relative}, every owner renamed to {@code owner}. */
        ZoneAnswer at(String relative, String owner) {
            ZoneAnswer a = zone.lookup(new ZoneQuery(relative + suffix, query.origin(), query.registry()));
            if (!a.exists()) {
                return a;
            }
            List<ResourceRecord> out = new ArrayList<>(a.records().size());
            for (ResourceRecord r : a.records()) {
                ResourceRecord renamed = rename(r, owner);
                if (renamed != null) {
                    out.add(renamed);
                }
            }
            return ZoneAnswer.of(out);
        }

        private static ResourceRecord rename(ResourceRecord r, String owner) {
            if (r instanceof ResourceRecord.Address a) {
                return new ResourceRecord.Address(owner, a.address());
            }
            if (r instanceof ResourceRecord.Service s) {
                return new ResourceRecord.Service(owner, s.priority(), s.weight(), s.port(), s.target());
            }
            if (r instanceof ResourceRecord.Text t) {
                return new ResourceRecord.Text(owner, t.strings());
            }
            return null; // the services zone has no PTRs; SOA and NS are the server's
        }
    }
}
