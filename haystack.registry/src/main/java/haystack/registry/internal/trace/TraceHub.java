package haystack.registry.internal.trace;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import haystack.api.trace.TraceEvent;
import haystack.api.trace.TraceListener;
import haystack.api.trace.Tracer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Tracer}: hands each event to every {@link TraceListener} and, when
 * HAYSTACK_TRACE is on, to the log. Active only while someone listens.
 */
@Component(configurationPid = "haystack.trace", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = TraceHub.Config.class)
public final class TraceHub implements Tracer {

    @ObjectClassDefinition(name = "Haystack trace")
    public @interface Config {
        /** Log every traced event (HAYSTACK_TRACE). */
        boolean enabled() default false;
    }

    private static final Logger LOG = LoggerFactory.getLogger("haystack.trace");

    private final List<TraceListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean logging;
    private volatile boolean active;

    @Activate
    public TraceHub(Config config) {
        modified(config);
    }

    @Modified
    void modified(Config config) {
        logging = config.enabled();
        update();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addListener(TraceListener listener) {
        listeners.add(listener);
        update();
    }

    public void removeListener(TraceListener listener) {
        listeners.remove(listener);
        update();
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public void trace(String category, String message) {
        if (!active) {
            return;
        }
        TraceEvent event = new TraceEvent(Instant.now(), category, message);
        if (logging) {
            LOG.info("{} {}", category, message);
        }
        for (TraceListener listener : listeners) {
            try {
                listener.traced(event);
            } catch (RuntimeException e) {
                LOG.warn("trace listener failed listener={} reason={}", listener.getClass().getName(), e.toString());
            }
        }
    }

    private void update() {
        active = logging || !listeners.isEmpty();
    }
}
