package haystack.etcd.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import haystack.api.RegistrySnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one node in step with etcd for as long as it runs, on one control thread and one
 * watch thread:
 * <ol>
 * <li>resynchronise: make sure of the lease (granted again if it expired), read the whole
 * prefix, replace every remote endpoint with what it holds, write this node's endpoints
 * (deleting its keys no longer wanted) and watch from the read's revision on;</li>
 * <li>then write each registry change as it comes and keep the lease alive every third
 * of its TTL, while the watch brings the other nodes' changes.</li>
 * </ol>
 * Anything that breaks this (etcd gone, the lease lost, the watch cancelled or compacted
 * or ended) starts again at 1 with capped backoff: nothing stale stays, nothing is missing.
 * A clean {@link #close()} revokes the lease, so this node's keys vanish at once.
 */
final class EtcdSync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdSync.class);
    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 2_000;

    private final EtcdClient client;
    private final EtcdKeys keys;
    private final String node;
    private final long ttl;
    private final Supplier<RegistrySnapshot> registry;
    private final RemoteEndpoints remote;
    private final Publication publication;
    private final Thread control;
    private final Object signal = new Object();
    /** Own keys deleted behind this node's back, seen by the watch thread, for the control thread. */
    private final Queue<String> forgotten = new ConcurrentLinkedQueue<>();
    private final LongAdder resyncs = new LongAdder();
    private final LongAdder watchEvents = new LongAdder();

    private volatile boolean stopped;
    private volatile boolean abandoned;
    private volatile boolean dirty = true;
    private volatile boolean resyncWanted;
    private volatile boolean connected;
    /** Current lease and its granted TTL in seconds; 0 when none is held. */
    private volatile long lease;
    private volatile long leaseTtl;
    /** When the lease was last granted or refreshed (System.nanoTime, at the request). Control thread only. */
    private long refreshedAt;
    /** Guards {@link #remote}, {@link #watch} and {@link #generation}. */
    private final Object remoteLock = new Object();
    /** Written under remoteLock; read without it (the control thread must never wait for a batch being applied). */
    private volatile Watch watch;
    private long generation;

    EtcdSync(EtcdClient client, EtcdKeys keys, String node, long ttl, Supplier<RegistrySnapshot> registry, RemoteEndpoints remote) {
        this(client, keys, node, ttl, registry, remote, null);
    }

    /** @param skydns the SkyDNS layout to write too, or null */
    EtcdSync(EtcdClient client, EtcdKeys keys, String node, long ttl, Supplier<RegistrySnapshot> registry, RemoteEndpoints remote,
            SkyDnsLayout skydns) {
        this.client = client;
        this.keys = keys;
        this.node = node;
        this.ttl = ttl;
        this.registry = registry;
        this.remote = remote;
        this.publication = new Publication(keys, node, skydns);
        this.control = new Thread(this::run, "haystack-etcd");
        this.control.setDaemon(true);
    }

    EtcdSync start() {
        control.start();
        return this;
    }

    /** The registry changed: this node's keys are brought in step soon after. */
    void registryChanged() {
        dirty = true;
        wake();
    }

    boolean connected() {
        return connected;
    }

    URI endpoint() {
        return client.endpoint();
    }

    long lease() {
        return lease;
    }

    long leaseTtl() {
        return leaseTtl;
    }

    long resyncs() {
        return resyncs.sum();
    }

    long watchEvents() {
        return watchEvents.sum();
    }

    long puts() {
        return publication.puts();
    }

    long deletes() {
        return publication.deletes();
    }

    long ignoredLogged() {
        synchronized (remoteLock) {
            return remote.ignoredLogged();
        }
    }

    /** Other nodes seen and their endpoint counts. */
    Map<String, Integer> nodes() {
        synchronized (remoteLock) {
            return remote.nodes();
        }
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MS;
        boolean lost = false;
        boolean first = true;
        long lostAt = 0;
        while (!stopped) {
            try {
                int[] counts = resync();
                connected = true;
                backoff = FIRST_BACKOFF_MS;
                if (lost) {
                    LOG.info("etcd back endpoint={} lease={} ttl={} nodes={} remote={} published={} downMs={}", client.endpoint(),
                            Long.toHexString(lease), leaseTtl, counts[0], counts[1], counts[2], System.currentTimeMillis() - lostAt);
                } else if (first) {
                    LOG.info("etcd connected endpoint={} node={} prefix={} lease={} ttl={} nodes={} remote={} published={}",
                            client.endpoint(), node, keys.prefix(), Long.toHexString(lease), leaseTtl, counts[0], counts[1], counts[2]);
                }
                lost = false;
                first = false;
                follow();
            } catch (EtcdException e) {
                if (stopped) {
                    break;
                }
                connected = false;
                if (e.code() == EtcdException.NOT_FOUND) {
                    // a write under a lease etcd no longer has (expired, revoked): grant another
                    LOG.warn("etcd lease gone lease={} node={} reason={}: granting another and publishing again",
                            Long.toHexString(lease), node, e.getMessage());
                    lease = 0;
                } else if (!lost) {
                    lost = true;
                    lostAt = System.currentTimeMillis();
                    LOG.warn("etcd {} endpoints={} reason={} retry=backoff up to {}ms", first ? "unreachable" : "lost",
                            client.endpoints(), e.getMessage(), MAX_BACKOFF_MS);
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                if (stopped) {
                    break;
                }
                connected = false;
                LOG.error("etcd sync failed, starting again reason={}", e.toString(), e);
            }
            closeWatch();
            if (!stopped) {
                pause(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
        connected = false;
    }

    /** Step 1. Returns nodes seen, remote endpoints and own keys written. */
    private int[] resync() throws EtcdException, InterruptedException {
        resyncs.increment();
        closeWatch();
        resyncWanted = false;
        long asked = System.nanoTime();
        if (lease != 0 && client.keepAlive(lease) == 0) {
            LOG.warn("etcd lease expired lease={} node={}: granting another and publishing again", Long.toHexString(lease), node);
            lease = 0;
        }
        if (lease == 0) {
            asked = System.nanoTime();
            EtcdClient.Lease granted = client.grant(ttl);
            lease = granted.id();
            leaseTtl = granted.ttl();
        }
        refreshedAt = asked;
        EtcdClient.Range range = client.range(keys.rangeStart(), keys.rangeEnd());
        List<KeyValue> own = new ArrayList<>();
        for (KeyValue kv : range.kvs()) {
            if (publication.owns(kv.key())) {
                own.add(kv);
            }
        }
        SkyDnsLayout skydns = publication.skydns();
        if (skydns != null) {
            for (KeyValue kv : client.range(skydns.rangeStart(), skydns.rangeEnd()).kvs()) {
                if (publication.owns(kv)) {
                    own.add(kv);
                }
            }
        }
        synchronized (remoteLock) {
            remote.replaceAll(range.kvs());
        }
        forgotten.clear();
        publication.reset(own, lease);
        dirty = false;
        publication.sync(client, publication.desired(registry.get()), lease, this::keepAliveIfDue);
        Watch w = client.watch(keys.rangeStart(), keys.rangeEnd(), range.revision() + 1);
        long gen;
        synchronized (remoteLock) {
            gen = ++generation;
            watch = w;
        }
        Thread reader = new Thread(() -> readWatch(w, gen), "haystack-etcd-watch");
        reader.setDaemon(true);
        reader.start();
        synchronized (remoteLock) {
            return new int[] { remote.nodes().size(), remote.size(), publication.size() };
        }
    }

    /** Step 2, until something asks for a resync. */
    private void follow() throws EtcdException, InterruptedException {
        long refreshMs = Math.max(500, leaseTtl * 1000 / 3);
        // from the last refresh, not from now: a long republication has used some of the TTL
        long nextKeepAlive = refreshedAt + TimeUnit.MILLISECONDS.toNanos(refreshMs);
        while (!stopped && !resyncWanted) {
            long waitMs = TimeUnit.NANOSECONDS.toMillis(nextKeepAlive - System.nanoTime());
            synchronized (signal) {
                if (!dirty && !resyncWanted && !stopped && forgotten.isEmpty() && waitMs > 0) {
                    signal.wait(waitMs);
                }
            }
            if (stopped || resyncWanted) {
                return;
            }
            if (dirty || !forgotten.isEmpty()) {
                dirty = false;
                for (String key; (key = forgotten.poll()) != null;) {
                    publication.forget(key);
                }
                publication.sync(client, publication.desired(registry.get()), lease, this::keepAliveIfDue);
                nextKeepAlive = refreshedAt + TimeUnit.MILLISECONDS.toNanos(refreshMs);
            }
            if (System.nanoTime() - nextKeepAlive >= 0) {
                long asked = System.nanoTime();
                long left = client.keepAlive(lease);
                refreshedAt = asked;
                if (left == 0) {
                    LOG.warn("etcd lease expired lease={} node={}: granting another and publishing again", Long.toHexString(lease), node);
                    lease = 0;
                    return;
                }
                nextKeepAlive = asked + TimeUnit.MILLISECONDS.toNanos(refreshMs);
            }
            URI watching = watchEndpoint();
            if (watching != null && !watching.equals(client.endpoint())) {
                // A request had to leave the member the watch is on: that member may be cut
                // off, its stream silent rather than closed. Watch again where etcd answers.
                LOG.warn("etcd endpoint changed from={} to={}: reading everything again", watching, client.endpoint());
                return;
            }
        }
    }

    /** Between two transactions of a long republication: refreshes the lease when a third of its TTL has gone. */
    private void keepAliveIfDue() throws EtcdException {
        long refreshNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(500, leaseTtl * 1000 / 3));
        if (System.nanoTime() - refreshedAt < refreshNanos) {
            return;
        }
        long asked = System.nanoTime();
        if (client.keepAlive(lease) == 0) {
            throw new EtcdException(EtcdException.NOT_FOUND, "lease expired during a republication");
        }
        refreshedAt = asked;
    }

    private URI watchEndpoint() {
        Watch w = watch;
        return w == null ? null : w.endpoint();
    }

    private void readWatch(Watch w, long gen) {
        String reason;
        try {
            while (true) {
                Watch.Message m = w.next();
                if (m == null) {
                    reason = "stream ended";
                    break;
                }
                if (m.canceled()) {
                    reason = m.compactRevision() > 0 ? "compacted revision=" + m.compactRevision() : "cancelled " + m.reason();
                    break;
                }
                synchronized (remoteLock) {
                    if (gen != generation) {
                        return;
                    }
                    watchEvents.add(m.events().size());
                    apply(m.events());
                }
            }
        } catch (IOException | RuntimeException e) {
            reason = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        synchronized (remoteLock) {
            if (gen != generation || stopped) {
                return;
            }
        }
        LOG.warn("etcd watch ended endpoint={} reason={}: reading everything again", w.endpoint(), reason);
        resyncWanted = true;
        wake();
    }

    /** One watch message's events: this node's own deletes to write again, the rest to the remote endpoints. Under remoteLock. */
    private void apply(List<Watch.Event> events) {
        List<Watch.Event> others = new ArrayList<>(events.size());
        for (Watch.Event event : events) {
            if (publication.owns(event.kv().key())) {
                if (event.delete()) {
                    forgotten.add(event.kv().key());
                    wake();
                }
            } else {
                others.add(event);
            }
        }
        remote.apply(others);
    }

    private void closeWatch() {
        synchronized (remoteLock) {
            generation++;
            if (watch != null) {
                watch.close();
                watch = null;
            }
        }
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private void pause(long ms) {
        synchronized (signal) {
            try {
                if (!stopped) {
                    signal.wait(ms);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops as a killed node would: no more keepalives, no revoke, the keys left to expire
     * with the lease. For tests of a node that dies.
     */
    void abandon() {
        abandoned = true;
        close();
    }

    /** Stops both threads (bounded wait), revokes the lease, withdraws the remote endpoints. */
    @Override
    public void close() {
        stopped = true;
        wake();
        closeWatch();
        try {
            control.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeWatch(); // one the control thread may have opened while stopping
        long held = lease;
        if (held != 0 && !abandoned) {
            try {
                client.revoke(held);
                LOG.info("etcd lease revoked lease={} node={}", Long.toHexString(held), node);
            } catch (EtcdException e) {
                LOG.warn("etcd lease not revoked lease={} node={} reason={}: its keys expire with it", Long.toHexString(held), node,
                        e.getMessage());
            }
        }
        lease = 0;
        synchronized (remoteLock) {
            remote.close();
        }
    }
}
