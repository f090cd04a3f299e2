package haystack.dns.internal.zones;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;
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
public final class ReverseZone implements ZoneProvider, TrackedZone {

    static final String IPV4 = "in-addr.arpa";
    static final String IPV6 = "ip6.arpa";

    private final NameChanges changes = new NameChanges();
    private final IncrementalIndex index = new IncrementalIndex(new IncrementalIndex.Grouping() {
        @Override
        public void groups(Endpoint e, String origin, Consumer<String> out) {
            if (!e.network().isEmpty() && ContainerNames.label(e).isPresent()) {
                out.accept(ReverseMap.fromAddress(e.address()).toString(true).toLowerCase(Locale.ROOT));
            }
        }

        @Override
        public void build(String owner, List<Endpoint> members, String origin, ZoneNames names) {
            for (Endpoint e : members) {
                // Only the exact names: every other reverse name stays the upstreams' to answer.
                ContainerNames.fqdn(e, origin).ifPresent(target -> names.add(new ResourceRecord.Pointer(owner, target), owner));
            }
        }

        @Override
        public void fixed(String origin, ZoneNames names) {
            // no name of its own: only the containers' addresses
        }
    }, changes);

    @Override
    public List<String> zones() {
        return List.of(IPV4 + ".", IPV6 + ".");
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
}
