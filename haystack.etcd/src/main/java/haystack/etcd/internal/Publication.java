package haystack.etcd.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;

/**
 * This node's keys in etcd: what the registry says they should be (the endpoints of this
 * node's own sources, never those learned from etcd) against what was last written under
 * the current lease. {@link #sync} writes only the difference: a changed endpoint is one
 * put, a removed one one delete, at once. Used by one thread at a time.
 */
final class Publication {

    /** Marks a key read back from etcd that must be written again (another lease, or unknown value). */
    private static final String REWRITE = "\u0000rewrite";

    private final EtcdKeys keys;
    private final String node;
    /** The SkyDNS layout written too, or null. */
    private final SkyDnsLayout skydns;
    /** Key to value as written under the current lease. */
    private final Map<String, String> written = new HashMap<>();
    private volatile long puts;
    private volatile long deletes;

    Publication(EtcdKeys keys, String node, SkyDnsLayout skydns) {
        this.keys = keys;
        this.node = node;
        this.skydns = skydns;
    }

    /** The keys and values this node should have in etcd for {@code snapshot}. */
    Map<String, String> desired(RegistrySnapshot snapshot) {
        Map<String, String> desired = new HashMap<>();
        for (Endpoint e : snapshot.endpoints()) {
            if (!RemoteEndpoints.isRemote(e.source())) {
                desired.put(keys.key(e.service(), node, e.id()), EndpointCodec.write(e, node));
                if (skydns != null && SkyDnsLayout.listed(e)) {
                    desired.put(skydns.key(e, node), skydns.value(e, node));
                }
            }
        }
        return desired;
    }

    /**
     * Starts again from what a full read found under this node's name: keys of {@code lease}
     * count as written, others (an earlier run's lease) are written again or deleted.
     */
    void reset(List<KeyValue> own, long lease) {
        written.clear();
        for (KeyValue kv : own) {
            written.put(kv.key(), kv.lease() == lease ? kv.value() : REWRITE);
        }
    }

    /** A key of this node deleted behind its back (seen on the watch): write it again if wanted. */
    void forget(String key) {
        written.remove(key);
    }

    /** Writes and deletes until etcd holds {@code desired} under {@code lease}. */
    void sync(EtcdClient client, Map<String, String> desired, long lease) throws EtcdException {
        for (Map.Entry<String, String> e : desired.entrySet()) {
            if (!e.getValue().equals(written.get(e.getKey()))) {
                client.put(e.getKey(), e.getValue(), lease);
                written.put(e.getKey(), e.getValue());
                puts++;
            }
        }
        for (String key : List.copyOf(written.keySet())) {
            if (!desired.containsKey(key)) {
                client.delete(key);
                written.remove(key);
                deletes++;
            }
        }
    }

    /** Whether {@code key} is one of this node's keys under the prefix. */
    boolean owns(String key) {
        return keys.parse(key).map(p -> p.node().equals(node)).orElse(false);
    }

    /** Whether {@code kv}, read back from anywhere this node writes, is one of its keys. */
    boolean owns(KeyValue kv) {
        return owns(kv.key()) || (skydns != null && skydns.owns(kv, node));
    }

    SkyDnsLayout skydns() {
        return skydns;
    }

    int size() {
        return written.size();
    }

    long puts() {
        return puts;
    }

    long deletes() {
        return deletes;
    }
}
