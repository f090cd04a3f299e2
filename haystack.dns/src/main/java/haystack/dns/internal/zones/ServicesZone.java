package haystack.dns.internal.zones;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;
import haystack.api.ServiceNames;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneProvider;
import haystack.api.zone.ZoneQuery;
import haystack.dns.internal.AdvertisedAddresses;
import haystack.dns.internal.DnsSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * The services zone (SPEC §4): {@code <service>} and {@code <group>.<service>} answer
 * A/AAAA with Haystack's advertised addresses when the service has an {@code http} or
 * {@code http-alt} port (clients go through the load balancer), else with the available
 * endpoints' addresses; {@code _<port>._<proto>.<name>} answers one SRV (RFC 2782) per
 * available endpoint, targeting its container's name. A name exists while the service
 * has any endpoint.
 */
@Component(service = ZoneProvider.class, configurationPid = "haystack.dns",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class ServicesZone implements ZoneProvider, TrackedZone {

    public static final String ZONE = "services";
    private static final Set<String> HTTP_PORTS = Set.of("http", "http-alt");

    private final NameChanges changes = new NameChanges();
    private final IncrementalIndex index = new IncrementalIndex(grouping(), changes);
    private final List<InetAddress> advertised;

    @Activate
    public ServicesZone(haystack.dns.internal.DnsServer.Config config) {
        this(AdvertisedAddresses.resolve(DnsSettings.addresses("addresses", config.addresses())));
    }

    /** A zone advertising {@code advertised} for HTTP services. */
    public ServicesZone(List<InetAddress> advertised) {
        this.advertised = List.copyOf(advertised);
    }

    @Override
    public List<String> zones() {
        return List.of(ZONE);
    }

    @Override
    public void advance(RegistrySnapshot snapshot, String origin) {
        index.advance(snapshot, origin);
    }

    @Override
    public NameChanges changes() {
        return changes;
    }

    @Override
    public ZoneAnswer lookup(ZoneQuery query) {
        return index.lookup(query);
    }

    /** One group per service name: every endpoint served under {@code <name>.services.<origin>}. */
    private IncrementalIndex.Grouping grouping() {
        return new IncrementalIndex.Grouping() {
            @Override
            public void groups(Endpoint e, String origin, Consumer<String> out) {
                out.accept(e.qualifiedName());
            }

            @Override
            public void build(String qualifiedName, List<Endpoint> members, String origin, ZoneNames names) {
                ServicesZone.this.build(qualifiedName, members, origin, names);
            }

            @Override
            public void fixed(String origin, ZoneNames names) {
                String apex = ZONE + "." + origin;
                names.addName(apex, apex);
            }
        };
    }

    private void build(String qualifiedName, List<Endpoint> members, String origin, ZoneNames names) {
        String apex = ZONE + "." + origin;
        String name = qualifiedName + "." + apex;
        // A grouped container serves its group's name only (SPEC §3: <group>.<service>),
        // as the balancer routes it: web-001 is not one of the plain nginx pool. A name that
        // is both an exact (dotted) service and <group>.<service> is the exact service's.
        boolean exact = false;
        for (Endpoint e : members) {
            exact |= e.group() == null;
        }
        boolean http = false;
        Set<InetAddress> addresses = new LinkedHashSet<>();
        List<Endpoint> available = new ArrayList<>();
        for (Endpoint e : members) {
            if (exact && e.group() != null) {
                continue;
            }
            http |= HTTP_PORTS.contains(e.portName());
            if (e.isAvailable()) {
                addresses.add(e.address());
                available.add(e);
            }
        }
        names.addName(name, apex);
        for (InetAddress a : http ? advertised : addresses) {
            names.add(new ResourceRecord.Address(name, a), apex);
        }
        Map<String, String> owners = new HashMap<>(); // one owner string per port, not one per endpoint
        for (Endpoint e : available) {
            Optional<String> target = ContainerNames.fqdn(e, origin);
            if (target.isEmpty() || !ServiceNames.isValidLabel(e.portName())) {
                continue;
            }
            String owner = owners.computeIfAbsent("_" + e.portName() + "._" + e.protocol().label(), p -> p + "." + name);
            names.add(new ResourceRecord.Service(owner, 0, Math.min(e.weight(), 65535), e.port(), target.get()), apex);
        }
    }
}
