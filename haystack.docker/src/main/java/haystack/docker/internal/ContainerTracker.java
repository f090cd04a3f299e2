package haystack.docker.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import haystack.api.Endpoint;
import haystack.api.discovery.EndpointSource;
import haystack.api.trace.TraceEvent;
import haystack.api.trace.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Docker host's containers as the registry knows them: applies container changes to
 * the host's {@link EndpointSource} one container at a time, and remembers which
 * containers are stopping so that a late refresh does not make them serve again.
 * Used by one thread (the host's watcher).
 */
final class ContainerTracker {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerTracker.class);

    private final String host;
    private final EndpointSource source;
    private final ContainerEndpoints rules;
    private final Map<String, List<Endpoint>> current = new HashMap<>();
    private final Set<String> draining = new HashSet<>();
    /** Containers last seen running, with or without endpoints (a network connect may give them some). */
    private final Set<String> running = new HashSet<>();

    private volatile Tracer tracer = Tracer.OFF;

    /** Where engine events are traced (haystack:trace, HAYSTACK_TRACE). */
    void tracer(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Traces one engine event as the watcher received it. */
    void traceEvent(String type, String action, String id, String name) {
        Tracer t = tracer;
        if (t.isActive()) {
            t.trace(TraceEvent.DOCKER, "event host=" + host + " type=" + type + " action=" + action + " container=" + name
                    + " id=" + (id.length() > 12 ? id.substring(0, 12) : id));
        }
    }

    /** Engine events received from this host, for haystack_docker_events_total. */
    private final java.util.concurrent.atomic.LongAdder events = new java.util.concurrent.atomic.LongAdder();

    void eventSeen() {
        events.increment();
    }

    long events() {
        return events.sum();
    }

    ContainerTracker(String host, EndpointSource source, ContainerEndpoints rules) {
        this.host = host;
        this.source = source;
        this.rules = rules;
    }

    /** Makes {@code containers} the complete set of this host (after connecting). Returns the endpoint count. */
    int replaceAll(List<ContainerFacts> containers) {
        current.clear();
        draining.clear();
        running.clear();
        List<Endpoint> all = new ArrayList<>();
        for (ContainerFacts c : containers) {
            List<Endpoint> eps = endpoints(c);
            if (c.running()) {
                running.add(c.id());
            }
            if (!eps.isEmpty()) {
                current.put(c.id(), eps);
                all.addAll(eps);
            }
        }
        source.replaceAll(all);
        return all.size();
    }

    /** The container is (re)started or its metadata, health or networks changed. */
    void refresh(ContainerFacts c, String why) {
        if ("start".equals(why) || "unpause".equals(why)) {
            draining.remove(c.id());
        }
        if (c.running()) {
            running.add(c.id());
        } else {
            running.remove(c.id());
        }
        List<Endpoint> eps = endpoints(c);
        if (draining.contains(c.id())) {
            eps = eps.stream().map(e -> e.toBuilder().draining(true).build()).toList();
        }
        List<Endpoint> before = current.getOrDefault(c.id(), List.of());
        if (eps.equals(before)) {
            return;
        }
        source.replaceContainer(c.id(), eps);
        if (eps.isEmpty()) {
            current.remove(c.id());
        } else {
            current.put(c.id(), eps);
        }
        LOG.info("container updated host={} container={} event={} services={} endpoints={} health={}", host, c.name(), why,
                eps.stream().map(Endpoint::qualifiedName).distinct().toList(), eps.size(),
                eps.isEmpty() ? "-" : eps.get(0).health().label());
    }

    /** The container is stopping: its endpoints stay, marked draining. */
    void drain(String containerId, String name, String why) {
        draining.add(containerId);
        List<Endpoint> before = current.get(containerId);
        if (before == null || before.stream().allMatch(Endpoint::draining)) {
            return;
        }
        List<Endpoint> eps = before.stream().map(e -> e.toBuilder().draining(true).build()).toList();
        source.put(eps);
        current.put(containerId, eps);
        LOG.info("container draining host={} container={} event={} endpoints={}", host, name, why, eps.size());
    }

    /** The container died, was paused or removed: its endpoints go. */
    void withdraw(String containerId, String name, String why) {
        running.remove(containerId);
        if (!"pause".equals(why)) {
            draining.remove(containerId);
        }
        List<Endpoint> before = current.remove(containerId);
        if (before == null) {
            return;
        }
        source.replaceContainer(containerId, List.of());
        LOG.info("container withdrawn host={} container={} event={} endpoints={}", host, name, why, before.size());
    }

    /** The container's endpoints; a container the rules cannot read is logged and left out, never fatal. */
    private List<Endpoint> endpoints(ContainerFacts c) {
        try {
            return rules.endpoints(c);
        } catch (RuntimeException e) {
            LOG.warn("container not registered host={} container={} reason={}", host, c.name(), e.toString());
            return List.of();
        }
    }

    /** Whether the container was last seen running: only then can a network change alter its endpoints. */
    boolean isRunning(String containerId) {
        return running.contains(containerId);
    }
}
