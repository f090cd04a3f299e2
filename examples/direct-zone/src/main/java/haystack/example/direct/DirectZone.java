package haystack.example.direct;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneProvider;
import haystack.api.zone.ZoneQuery;
import org.osgi.service.component.annotations.Component;

/**
 * The zone {@code direct.<origin>}: {@code <service>.direct.haystack} answers the addresses
 * of the service's endpoints that may take traffic, for clients that balance by themselves
 * (where {@code <service>.services.haystack} answers the load balancer's address). A grouped
 * service is {@code web.nginx.direct.haystack}, as under {@code services}.
 *
 * <p>A zone provider is one Declarative Services component providing {@link ZoneProvider}:
 * Haystack's DNS server answers its zones from the moment it is registered until it goes.
 */
@Component
public final class DirectZone implements ZoneProvider {

    /** Relative to the origin (no trailing dot): {@code direct.haystack}. */
    private static final String ZONE = "direct";

    @Override
    public List<String> zones() {
        return List.of(ZONE);
    }

    /** Called for every query from many threads: answer from the query's snapshot, never block. */
    @Override
    public ZoneAnswer lookup(ZoneQuery query) {
        String apex = ZoneProvider.apex(ZONE, query.origin());
        if (query.name().equals(apex)) {
            return ZoneAnswer.emptyNonTerminal();
        }
        String service = query.name().substring(0, query.name().length() - apex.length() - 1);
        List<Endpoint> endpoints = endpointsNamed(query.registry(), service);
        if (endpoints.isEmpty()) {
            return ZoneAnswer.nxdomain();
        }
        // several ports of one container (or one host) share an address: one record each
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (Endpoint e : endpoints) {
            if (e.isAvailable()) {
                addresses.add(e.address());
            }
        }
        List<ResourceRecord> records = new ArrayList<>(addresses.size());
        addresses.forEach(a -> records.add(new ResourceRecord.Address(query.name(), a)));
        return ZoneAnswer.of(records);
    }

    /**
     * Every endpoint whose DNS name under the zone is {@code name}, whatever its health. A
     * scan of the snapshot keeps the example short; a large registry would index it once
     * per snapshot instead.
     */
    private static List<Endpoint> endpointsNamed(RegistrySnapshot registry, String name) {
        List<Endpoint> named = new ArrayList<>();
        for (Endpoint e : registry.endpoints()) {
            if (e.qualifiedName().equalsIgnoreCase(name) && !registry.shadowed(e)) {
                named.add(e);
            }
        }
        return named;
    }
}
