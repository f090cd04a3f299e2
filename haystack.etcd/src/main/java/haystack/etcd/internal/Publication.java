package haystack.etcd.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import haystack.api.Endpoint;
import haystack.api.RegistrySnapshot;

/**
 * This node's keys in etcd: what the registry says they should be (the endpoints of this
 * node's own sources, never those learned from etcd) against what was last written under
 * the current lease. {@link #sync} writes only the difference: a changed endpoint is one
 * put, a removed one one delete, at once (many at once go in transactions). Used by one
 * thread at a time.
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

    /**
     * Writes and deletes until etcd holds {@code desired} under {@code lease}, in
     * transactions of up to {@link EtcdClient#MAX_TXN_WRITES} writes (one round trip and
     * one disk sync each, so a full republication of thousands of endpoints stays short
     * beside the lease's TTL).
     */
    /** Called between two transactions of a long sync: keeps the lease alive meanwhile. */
    interface Pause {
        void between() throws EtcdException;
    }

    void sync(EtcdClient client, Map<String, String> desired, long lease) throws EtcdException {
        sync(client, desired, lease, () -> { });
    }

    void sync(EtcdClient client, Map<String, String> desired, long lease, Pause pause) throws EtcdException {
        List<EtcdClient.Write> writes = new ArrayList<>();
        for (Map.Entry<String, String> e : desired.entrySet()) {
            if (!e.getValue().equals(written.get(e.getKey()))) {
                writes.add(new EtcdClient.Write(e.getKey(), e.getValue()));
            }
        }
        for (String key : written.keySet()) {
            if (!desired.containsKey(key)) {
                writes.add(new EtcdClient.Write(key, null));
            }
        }
        for (int from = 0; from < writes.size(); from += EtcdClient.MAX_TXN_WRITES) {
            if (from > 0) {
                pause.between();
            }
            List<EtcdClient.Write> batch = writes.subList(from, Math.min(writes.size(), from + EtcdClient.MAX_TXN_WRITES));
            if (batch.size() == 1) {
                EtcdClient.Write w = batch.get(0);
                if (w.value() == null) {
                    client.delete(w.key());
                } else {
                    client.put(w.key(), w.value(), lease);
                }
            } else {
                client.txn(batch, lease);
            }
            for (EtcdClient.Write w : batch) {
                if (w.value() == null) {
                    written.remove(w.key());
                    deletes++;
                } else {
                    written.put(w.key(), w.value());
                    puts++;
                }
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
