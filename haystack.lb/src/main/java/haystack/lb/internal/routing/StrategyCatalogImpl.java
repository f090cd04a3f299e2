package haystack.lb.internal.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import haystack.api.strategy.BalancingStrategy;
import haystack.api.strategy.StrategyCatalog;
import haystack.lb.internal.strategy.RoundRobinStrategy;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whiteboard of {@link BalancingStrategy} services keyed by their name property, and
 * the runtime choices per service. Readers get the strategy for a request from an
 * immutable map behind a volatile field; a strategy that leaves is replaced by the
 * built-in round-robin on the very next request.
 */
@Component(service = { StrategyCatalog.class, StrategyCatalogImpl.class })
public final class StrategyCatalogImpl implements StrategyCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(StrategyCatalogImpl.class);
    /** Used when the named strategy, and even the round-robin service, is missing. */
    static final BalancingStrategy FALLBACK = new RoundRobinStrategy();

    private final Object lock = new Object();
    /** Every named registration in arrival order; the latest of a name wins. Guarded by lock. */
    private final List<Map.Entry<String, BalancingStrategy>> registered = new ArrayList<>();
    private volatile Map<String, BalancingStrategy> byName = Map.of();
    private final Map<String, String> overrides = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addStrategy(BalancingStrategy strategy, Map<String, Object> properties) {
        String name = nameOf(properties);
        if (name == null) {
            LOG.warn("strategy ignored reason=no-name class={}", strategy.getClass().getName());
            return;
        }
        synchronized (lock) {
            registered.add(Map.entry(name, strategy));
            publish();
        }
        LOG.info("strategy added strategy={} class={}", name, strategy.getClass().getName());
    }

    public void removeStrategy(BalancingStrategy strategy, Map<String, Object> properties) {
        String name = nameOf(properties);
        synchronized (lock) {
            if (name == null || !registered.remove(Map.entry(name, strategy))) {
                return;
            }
            publish();
        }
        LOG.info("strategy removed strategy={} now={}", name, byName.containsKey(name) ? "an earlier registration" : "fallback " + BalancingStrategy.DEFAULT_NAME);
    }

    private void publish() {
        Map<String, BalancingStrategy> next = new HashMap<>();
        registered.forEach(e -> next.put(e.getKey(), e.getValue()));
        byName = Map.copyOf(next);
    }

    private static String nameOf(Map<String, Object> properties) {
        Object name = properties.get(BalancingStrategy.NAME_PROPERTY);
        return name instanceof String s && !s.isBlank() ? s : null;
    }

    /** The strategy for a request to {@code service}: runtime choice, else label, else default. */
    BalancingStrategy strategyFor(String service, String label) {
        BalancingStrategy s = byName.get(nameFor(service, label));
        return s == null ? FALLBACK : s;
    }

    /** The name of the installed strategy a request to {@code service} gets (round-robin when none fits). */
    String nameFor(String service, String label) {
        Map<String, BalancingStrategy> now = byName;
        if (!overrides.isEmpty()) {
            String chosen = overrides.get(service);
            if (chosen != null && now.containsKey(chosen)) {
                return chosen;
            }
        }
        if (label != null && now.containsKey(label)) {
            return label;
        }
        return BalancingStrategy.DEFAULT_NAME;
    }

    @Override
    public SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(byName.keySet()));
    }

    @Override
    public Map<String, String> overrides() {
        return Map.copyOf(overrides);
    }

    @Override
    public void choose(String service, String strategy) {
        if (service == null || service.isBlank()) {
            throw new IllegalArgumentException("service name is empty");
        }
        if (strategy == null) {
            overrides.remove(service);
            LOG.info("strategy choice cleared service={}", service);
            return;
        }
        if (!byName.containsKey(strategy)) {
            throw new IllegalArgumentException("no strategy named '" + strategy + "' is installed; installed: " + names());
        }
        overrides.put(service, strategy);
        LOG.info("strategy chosen service={} strategy={}", service, strategy);
    }
}
