package haystack.registry.internal.trace;

import haystack.api.Endpoint;
import haystack.api.RegistryChange;
import haystack.api.RegistryListener;
import haystack.api.trace.TraceEvent;
import haystack.api.trace.Tracer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Traces every registry change, one line per endpoint added, removed or updated. */
@Component(immediate = true)
public final class RegistryTrace implements RegistryListener {

    private final Tracer tracer;

    @Activate
    public RegistryTrace(@Reference Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public void registryChanged(RegistryChange change) {
        if (!tracer.isActive()) {
            return;
        }
        long version = change.current().version();
        change.added().forEach(e -> tracer.trace(TraceEvent.REGISTRY, line("added", version, e)));
        change.updated().forEach(e -> tracer.trace(TraceEvent.REGISTRY, line("updated", version, e)));
        change.removed().forEach(e -> tracer.trace(TraceEvent.REGISTRY, line("removed", version, e)));
    }

    private static String line(String what, long version, Endpoint e) {
        return what + " version=" + version + " service=" + e.qualifiedName() + " container=" + e.containerName()
                + " endpoint=" + e.address().getHostAddress() + ":" + e.port() + " health=" + e.health().label()
                + (e.draining() ? " draining" : "");
    }
}
