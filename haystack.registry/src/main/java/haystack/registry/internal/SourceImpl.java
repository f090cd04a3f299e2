package haystack.registry.internal;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import haystack.api.Endpoint;
import haystack.api.discovery.EndpointSource;

/** One open discovery source; every method is one atomic registry change. */
final class SourceImpl implements EndpointSource {

    private final RegistryImpl registry;
    private final String id;
    private final Consumer<SourceImpl> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    SourceImpl(RegistryImpl registry, String id, Consumer<SourceImpl> onClose) {
        this.registry = registry;
        this.id = id;
        this.onClose = onClose;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void put(Collection<Endpoint> endpoints) {
        List<Endpoint> stamped = stamp(endpoints);
        registry.edit(id, source -> stamped.forEach(source::put));
    }

    @Override
    public void remove(Collection<String> endpointIds) {
        List<String> ids = endpointIds.stream().map(this::stamped).toList();
        registry.edit(id, source -> ids.forEach(source::remove));
    }

    @Override
    public void replaceContainer(String containerId, Collection<Endpoint> endpoints) {
        List<Endpoint> stamped = stamp(endpoints);
        for (Endpoint e : stamped) {
            if (!e.containerId().equals(containerId)) {
                throw new IllegalArgumentException("endpoint " + e.id() + " is not of container " + containerId);
            }
        }
        registry.edit(id, source -> {
            source.removeContainer(containerId);
            stamped.forEach(source::put);
        });
    }

    @Override
    public void replaceAll(Collection<Endpoint> endpoints) {
        List<Endpoint> stamped = stamp(endpoints);
        registry.edit(id, source -> {
            source.clear();
            stamped.forEach(source::put);
        });
    }

    @Override
    public void synchronised() {
        checkOpen();
        registry.synchronised(id);
    }

    @Override
    public List<Endpoint> endpoints() {
        checkOpen();
        return registry.endpointsOf(id);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            registry.close(id);
            onClose.accept(this);
        }
    }

    private List<Endpoint> stamp(Collection<Endpoint> endpoints) {
        checkOpen();
        return endpoints.stream().map(e -> id.equals(e.source()) ? e : e.toBuilder().source(id).build()).toList();
    }

    /** The id an endpoint has once stamped with this source: ids of endpoints built without a source begin with '/'. */
    private String stamped(String endpointId) {
        return endpointId.startsWith("/") ? id + endpointId : endpointId;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("discovery source '" + id + "' is closed");
        }
    }

    @Override
    public String toString() {
        return "source " + id;
    }
}
