package haystack.dns.internal.zones;

import java.util.List;
import java.util.function.Consumer;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;
import haystack.api.zone.ResourceRecord;
import haystack.api.zone.ZoneAnswer;
import haystack.api.zone.ZoneProvider;
import haystack.api.zone.ZoneQuery;
import org.osgi.service.component.annotations.Component;

/**
 * {@code <container-name>.containers.<origin>} and {@code <short-id>.containers.<origin>}:
 * A/AAAA of the container's available endpoints (SPEC §4). The name exists while the
 * container has any endpoint; starting or unhealthy containers answer NODATA.
 */
@Component(service = ZoneProvider.class)
public final class ContainersZone implements ZoneProvider, TrackedZone {

    public static final String ZONE = "containers";

    private final NameChanges changes = new NameChanges();
    private final IncrementalIndex index = new IncrementalIndex(new IncrementalIndex.Grouping() {
        @Override
        public void groups(Endpoint e, String origin, Consumer<String> out) {
            String apex = ZONE + "." + origin;
            ContainerNames.label(e).ifPresent(label -> out.accept(label + "." + apex));
            ContainerNames.shortId(e).ifPresent(label -> out.accept(label + "." + apex));
        }

        @Override
        public void build(String name, List<Endpoint> members, String origin, ZoneNames names) {
            String apex = ZONE + "." + origin;
            // every member has this name, as its container's name or as its short id
            for (Endpoint e : members) {
                if (e.isAvailable()) {
                    names.add(new ResourceRecord.Address(name, e.address()), apex);
                } else {
                    names.addName(name, apex);
                }
            }
        }

        @Override
        public void fixed(String origin, ZoneNames names) {
            String apex = ZONE + "." + origin;
            names.addName(apex, apex);
        }
    }, changes);

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
}
