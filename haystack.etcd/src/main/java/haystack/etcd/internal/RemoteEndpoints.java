package haystack.etcd.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import haystack.api.Endpoint;
import haystack.api.discovery.DiscoveryPublisher;
import haystack.api.discovery.EndpointSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other nodes' endpoints, as read from etcd, in the registry: one discovery source
 * {@code etcd:<node>} per node (so two nodes' endpoints never share an id, and each tells
 * where it came from). A full read replaces them all; watch events add and remove one
 * key at a time. Keys of this node are not taken in; values that are not endpoints are
 * logged once each and left out. Not thread-safe: the caller serialises.
 */
final class RemoteEndpoints implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteEndpoints.class);
    /** Source ids this bundle opens begin with this: the publisher never sends them back to etcd. */
    static final String SOURCE_PREFIX = "etcd:";
    /** Garbage keys remembered so each is logged once; bounded, then forgotten wholesale. */
    private static final int MAX_GARBAGE_REMEMBERED = 10_000;

    private record Entry(String node, String endpointId) {
    }

    private final DiscoveryPublisher publisher;
    private final EtcdKeys keys;
    private final String ownNode;
    private final Map<String, EndpointSource> sources = new TreeMap<>();
    /** Every remote key taken in, and the endpoint it made. */
    private final Map<String, Entry> entries = new HashMap<>();
    /** Keys logged as garbage, with the value that was logged. */
    private final Map<String, String> garbage = new LinkedHashMap<>();
    private long ignoredLogged;
    /**
     * Holds the registry unready (SPEC §4: no NXDOMAIN for a name another node serves)
     * until the first full read; closed by it. It never carries endpoints.
     */
    private EndpointSource firstRead;

    RemoteEndpoints(DiscoveryPublisher publisher, EtcdKeys keys, String ownNode) {
        this.publisher = publisher;
        this.keys = keys;
        this.ownNode = ownNode;
        this.firstRead = publisher.openUnsynchronised("etcd");
    }

    /** Whether {@code sourceId} is a source of this bundle (endpoints learned from etcd). */
    static boolean isRemote(String sourceId) {
        return sourceId.startsWith(SOURCE_PREFIX);
    }

    /** Makes {@code kvs} (a full read of the prefix) the complete set of remote endpoints. */
    void replaceAll(List<KeyValue> kvs) {
        Map<String, List<Endpoint>> byNode = new TreeMap<>();
        entries.clear();
        for (KeyValue kv : kvs) {
            endpoint(kv).ifPresent(e -> {
                String node = e.source().substring(SOURCE_PREFIX.length());
                byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(e);
                entries.put(kv.key(), new Entry(node, e.id()));
            });
        }
        for (Map.Entry<String, List<Endpoint>> n : byNode.entrySet()) {
            source(n.getKey()).replaceAll(n.getValue());
        }
        for (String node : List.copyOf(sources.keySet())) {
            if (!byNode.containsKey(node)) {
                sources.remove(node).close();
            }
        }
        if (firstRead != null) {
            firstRead.close();
            firstRead = null;
        }
    }

    /** A key written (created or changed). */
    void put(KeyValue kv) {
        apply(List.of(new Watch.Event(false, kv)));
    }

    /** A key deleted (by its node, or by its lease expiring). */
    void delete(String key) {
        apply(List.of(new Watch.Event(true, new KeyValue(key, "", 0, 0))));
    }

    /**
     * The events of one watch message, in order, applied as one registry change per node
     * (a message may carry thousands: a node's whole republication in transactions).
     */
    void apply(List<Watch.Event> events) {
        Map<String, Map<String, Endpoint>> puts = new TreeMap<>();
        Map<String, Map<String, Boolean>> removals = new TreeMap<>();
        for (Watch.Event event : events) {
            String key = event.kv().key();
            if (event.delete()) {
                garbage.remove(key);
            }
            Optional<Endpoint> endpoint = event.delete() ? Optional.empty() : endpoint(event.kv());
            Entry old = entries.remove(key);
            if (old != null) {
                Map<String, Endpoint> pending = puts.get(old.node());
                if (pending != null) {
                    pending.remove(old.endpointId());
                }
                removals.computeIfAbsent(old.node(), n -> new LinkedHashMap<>()).put(old.endpointId(), true);
            }
            if (endpoint.isPresent()) {
                Endpoint e = endpoint.get();
                String node = e.source().substring(SOURCE_PREFIX.length());
                entries.put(key, new Entry(node, e.id()));
                Map<String, Boolean> removing = removals.get(node);
                if (removing != null) {
                    removing.remove(e.id());
                }
                puts.computeIfAbsent(node, n -> new LinkedHashMap<>()).put(e.id(), e);
            }
        }
        removals.forEach((node, ids) -> {
            EndpointSource source = sources.get(node);
            if (source != null && !ids.isEmpty()) {
                source.remove(List.copyOf(ids.keySet()));
            }
        });
        puts.forEach((node, byId) -> {
            if (!byId.isEmpty()) {
                source(node).put(List.copyOf(byId.values()));
            }
        });
    }

    /** Nodes seen and how many endpoints each has here now. */
    Map<String, Integer> nodes() {
        Map<String, Integer> counts = new TreeMap<>();
        entries.values().forEach(e -> counts.merge(e.node(), 1, Integer::sum));
        return counts;
    }

    int size() {
        return entries.size();
    }

    /** Values logged as not endpoints (each key and value once). */
    long ignoredLogged() {
        return ignoredLogged;
    }

    /** The endpoint a key holds, stamped with its node's source; empty for own, foreign and garbage keys. */
    private Optional<Endpoint> endpoint(KeyValue kv) {
        Optional<EtcdKeys.Path> path = keys.parse(kv.key());
        if (path.isEmpty()) {
            ignore(kv, "not a key of the layout <prefix>/<service>/<node>/<endpoint id>");
            return Optional.empty();
        }
        String node = path.get().node();
        if (node.equals(ownNode)) {
            return Optional.empty();
        }
        try {
            Endpoint e = EndpointCodec.read(kv.value());
            return Optional.of(e.toBuilder().source(SOURCE_PREFIX + node).build());
        } catch (IllegalArgumentException e) {
            ignore(kv, e.getMessage());
            return Optional.empty();
        }
    }

    private void ignore(KeyValue kv, String reason) {
        if (kv.value().equals(garbage.get(kv.key()))) {
            return;
        }
        if (garbage.size() >= MAX_GARBAGE_REMEMBERED) {
            garbage.clear();
        }
        garbage.put(kv.key(), kv.value());
        ignoredLogged++;
        LOG.warn("etcd value ignored key={} reason={} value={}", kv.key(), reason, abbreviate(kv.value()));
    }

    private static String abbreviate(String value) {
        String oneLine = value.replaceAll("[\\r\\n]+", " ");
        return oneLine.length() > 120 ? oneLine.substring(0, 120) + "..." : oneLine;
    }

    private EndpointSource source(String node) {
        return sources.computeIfAbsent(node, n -> publisher.open(SOURCE_PREFIX + n));
    }

    @Override
    public void close() {
        if (firstRead != null) {
            firstRead.close();
            firstRead = null;
        }
        sources.values().forEach(EndpointSource::close);
        sources.clear();
        entries.clear();
    }
}
