package haystack.dns.internal.zones;

import java.util.List;

import haystack.api.Endpoint;
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
public final class ContainersZone implements ZoneProvider {

    public static final String ZONE = "containers";

    private final SnapshotIndex index = new SnapshotIndex(ContainersZone::build);

    @Override
    public List<String> zones() {
        return List.of(ZONE);
    }

    @Override
    public ZoneAnswer lookup(ZoneQuery query) {
        return index.lookup(query);
    }

    private static void build(ZoneQuery query, ZoneNames names) {
        String apex = ZONE + "." + query.origin();
        for (Endpoint e : query.registry().endpoints()) {
            for (String label : List.of(ContainerNames.label(e).orElse(""), ContainerNames.shortId(e).orElse(""))) {
                if (label.isEmpty()) {
                    continue;
                }
                String name = label + "." + apex;
                if (e.isAvailable()) {
                    names.add(new ResourceRecord.Address(name, e.address()), apex);
                } else {
                    names.addName(name, apex);
                }
            }
        }
        names.addName(apex, apex);
    }
}
