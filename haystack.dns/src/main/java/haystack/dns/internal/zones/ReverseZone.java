package haystack.dns.internal.zones;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import haystack.api.Endpoint;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneProvider;
import haystack.api.zone.ZoneQuery;
import org.osgi.service.component.annotations.Component;
import org.xbill.DNS.ReverseMap;

/**
 * PTR records (RFC 1035 §3.5, RFC 3596 §2.5) for the container addresses of every
 * endpoint, pointing at {@code <container-name>.containers.<origin>}. Endpoints registered
 * at a published host port are left out: that address is the host's, shared by many
 * containers. The server forwards reverse names this zone does not know.
 */
@Component(service = ZoneProvider.class)
public final class ReverseZone implements ZoneProvider {

    static final String IPV4 = "in-addr.arpa";
    static final String IPV6 = "ip6.arpa";

    private final SnapshotIndex index = new SnapshotIndex(ReverseZone::build);

    @Override
    public List<String> zones() {
        return List.of(IPV4 + ".", IPV6 + ".");
    }

    @Override
    public ZoneAnswer lookup(ZoneQuery query) {
        return index.lookup(query);
    }

    private static void build(ZoneQuery query, ZoneNames names) {
        for (Endpoint e : query.registry().endpoints()) {
            Optional<String> target = ContainerNames.fqdn(e, query.origin());
            if (e.network().isEmpty() || target.isEmpty()) {
                continue;
            }
            String owner = ReverseMap.fromAddress(e.address()).toString(true).toLowerCase(Locale.ROOT);
            // Only the exact names: every other reverse name stays the upstreams' to answer.
            names.add(new ResourceRecord.Pointer(owner, target.get()), owner);
        }
    }
}
