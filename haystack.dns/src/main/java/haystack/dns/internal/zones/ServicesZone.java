package haystack.dns.internal.zones;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import haystack.api.Endpoint;
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
public final class ServicesZone implements ZoneProvider {

    public static final String ZONE = "services";
    private static final Set<String> HTTP_PORTS = Set.of("http", "http-alt");

    private final SnapshotIndex index = new SnapshotIndex(this::build);
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
    public ZoneAnswer lookup(ZoneQuery query) {
        return index.lookup(query);
    }

    /** What one owner name collects while the index is built. */
    private static final class Service {
        boolean http;
        final Set<InetAddress> addresses = new LinkedHashSet<>();
        final List<Endpoint> available = new ArrayList<>();
    }

    private void build(ZoneQuery query, ZoneNames names) {
        String apex = ZONE + "." + query.origin();
        Map<String, Service> services = new HashMap<>();
        // A grouped container serves its group's name only (SPEC §3: <group>.<service>),
        // as the balancer routes it: web-001 is not one of the plain nginx pool.
        // A name that is both an exact (dotted) service and <group>.<service> is the exact service's.
        for (Endpoint e : query.registry().endpoints()) {
            if (query.registry().shadowed(e)) {
                continue;
            }
            collect(services.computeIfAbsent(e.qualifiedName() + "." + apex, n -> new Service()), e);
        }
        services.forEach((name, s) -> {
            names.addName(name, apex);
            for (InetAddress a : s.http ? advertised : s.addresses) {
                names.add(new ResourceRecord.Address(name, a), apex);
            }
            for (Endpoint e : s.available) {
                Optional<String> target = ContainerNames.fqdn(e, query.origin());
                if (target.isEmpty() || !ServiceNames.isValidLabel(e.portName())) {
                    continue;
                }
                String owner = "_" + e.portName() + "._" + e.protocol().label() + "." + name;
                names.add(new ResourceRecord.Service(owner, 0, Math.min(e.weight(), 65535), e.port(), target.get()), apex);
            }
        });
        names.addName(apex, apex);
    }

    private static void collect(Service s, Endpoint e) {
        s.http |= HTTP_PORTS.contains(e.portName());
        if (e.isAvailable()) {
            s.addresses.add(e.address());
            s.available.add(e);
        }
    }
}
