package haystack.registry.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import haystack.api.discovery.DiscoveryPublisher;
import haystack.api.discovery.EndpointSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * One instance per bundle that uses the publisher (bundle scope): when that bundle lets
 * go of the service, everything it opened is closed, so a stopped source takes exactly
 * its own endpoints with it.
 */
@Component(scope = ServiceScope.BUNDLE)
public final class DiscoveryPublisherImpl implements DiscoveryPublisher {

    private final RegistryImpl registry;
    private final Set<SourceImpl> open = ConcurrentHashMap.newKeySet();

    @Activate
    public DiscoveryPublisherImpl(@Reference RegistryImpl registry) {
        this.registry = registry;
    }

    @Override
    public EndpointSource open(String id) {
        return opened(registry.open(id, open::remove, false));
    }

    @Override
    public EndpointSource openUnsynchronised(String id) {
        return opened(registry.open(id, open::remove, true));
    }

    private EndpointSource opened(SourceImpl source) {
        open.add(source);
        return source;
    }

    @Deactivate
    void deactivate() {
        List.copyOf(open).forEach(SourceImpl::close);
    }
}
