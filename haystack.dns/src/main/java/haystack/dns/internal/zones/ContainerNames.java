package haystack.dns.internal.zones;

import java.util.Optional;

import haystack.api.Endpoint;
import haystack.api.ServiceNames;

/** How a container is named in the containers zone; SRV targets and PTRs point there. */
public final class ContainerNames {

    private ContainerNames() {
    }

    /** The container's name as one DNS label ({@code /web_2} → {@code web-2}), if it folds into one. */
    public static Optional<String> label(Endpoint e) {
        return ServiceNames.normalizeLabel(e.containerName());
    }

    /** The short id as a label, if it is one. */
    public static Optional<String> shortId(Endpoint e) {
        return ServiceNames.normalizeLabel(e.shortContainerId());
    }

    /** {@code <label>.containers.<origin>}: where SRV and PTR records point. */
    public static Optional<String> fqdn(Endpoint e, String origin) {
        return label(e).map(l -> l + "." + ContainersZone.ZONE + "." + origin);
    }
}
