package haystack.acme.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import haystack.api.lb.RoutedHosts;
import haystack.api.tls.CertificateStore;
import haystack.api.tls.ServedCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which routed host name gets a certificate next and gets it: one order per
 * {@link #tick()}, on the caller's (single) thread. A host is due when no other source
 * serves it and it has no ACME certificate, or its ACME certificate reached its
 * {@link RenewalWindow}; a host whose order failed waits out its {@link Backoff}; all
 * orders share one {@link OrderBudget}. What it holds is published as source {@code acme}.
 */
final class CertificateKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateKeeper.class);

    /** Failures of one host in a row, and when it may be tried again. */
    private record Attempts(int failures, Instant next, String reason) {
    }

    private final Issuer issuer;
    private final CertificateFiles files;
    private final Supplier<CertificateStore> store;
    private final Supplier<RoutedHosts> routed;
    private final RenewalWindow window;
    private final OrderBudget budget;
    private final Backoff backoff;
    private final Clock clock;

    private final Map<String, ServedCertificate> held = new ConcurrentSkipListMap<>();
    private final Map<String, Attempts> attempts = new HashMap<>();
    private final Set<String> skipped = new HashSet<>();
    private CertificateStore publishedTo;
    private boolean budgetSpent;
    private boolean waitingForStore;
    final AtomicLong issuedCount = new AtomicLong();
    final AtomicLong failedCount = new AtomicLong();

    CertificateKeeper(Issuer issuer, CertificateFiles files, Supplier<CertificateStore> store, Supplier<RoutedHosts> routed,
            RenewalWindow window, OrderBudget budget, Backoff backoff, Clock clock) {
        this.issuer = issuer;
        this.files = files;
        this.store = store;
        this.routed = routed;
        this.window = window;
        this.budget = budget;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** Loads what earlier runs stored; published on the first tick that finds the store. */
    void load() {
        Map<String, ServedCertificate> loaded = files.load();
        for (ServedCertificate c : loaded.values()) {
            LOG.info("acme certificate loaded host={} notAfter={} renewAt={}", c.name(), c.notAfter(), window.renewAt(c));
        }
        held.putAll(loaded);
    }

    /** The certificates held now, by host. */
    Map<String, ServedCertificate> held() {
        return Map.copyOf(held);
    }

    /** One step: publish if the store is new, then order for at most one due host. */
    void tick() throws InterruptedException {
        CertificateStore s = store.get();
        RoutedHosts r = routed.get();
        if (s == null || r == null) {
            if (!waitingForStore) {
                waitingForStore = true;
                LOG.info("acme waiting for the load balancer's certificate store and routed hosts");
            }
            return;
        }
        waitingForStore = false;
        if (s != publishedTo) {
            publish(s);
        }
        Instant now = clock.instant();
        Set<String> hosts = r.routedHosts();
        // state of names no longer routed goes, so these maps stay as large as the routing table
        attempts.keySet().retainAll(hosts);
        skipped.retainAll(hosts);
        Optional<String> next = nextDue(s, hosts, now);
        if (next.isEmpty()) {
            return;
        }
        if (!budget.tryTake(now)) {
            if (!budgetSpent) {
                budgetSpent = true;
                LOG.warn("acme order budget spent ordersPerHour={} nextOrderAt={} waiting={}", budget.perHour(), budget.nextAllowed(now), next.get());
            }
            return;
        }
        budgetSpent = false;
        order(s, next.get());
    }

    private Optional<String> nextDue(CertificateStore s, Set<String> hosts, Instant now) {
        List<String> due = new ArrayList<>();
        for (String host : hosts) {
            if (isDue(s, host, now)) {
                due.add(host);
            }
        }
        // hosts with no certificate at all before renewals; full names (more labels) before the
        // short forms a CA cannot reach; then by name for a stable order
        return due.stream().min(Comparator.comparing((String h) -> held.containsKey(h))
                .thenComparing(h -> -labels(h)).thenComparing(h -> h));
    }

    private static int labels(String host) {
        return (int) host.chars().filter(c -> c == '.').count() + 1;
    }

    private boolean isDue(CertificateStore s, String host, Instant now) {
        if (!HostNames.isOrderable(host)) {
            if (skipped.add(host)) {
                LOG.info("acme skipped host={} reason=\"not a DNS name a certificate can carry\"", host);
            }
            return false;
        }
        Attempts a = attempts.get(host);
        if (a != null && now.isBefore(a.next())) {
            return false;
        }
        ServedCertificate mine = held.get(host);
        if (mine != null && now.isBefore(window.renewAt(mine))) {
            return false;
        }
        Optional<ServedCertificate> served;
        try {
            served = s.match(host, null);
        } catch (RuntimeException e) {
            LOG.warn("acme certificate store failed host={} reason=\"{}\"", host, AcmeIssuer.oneLine(String.valueOf(e)));
            return false;
        }
        // what clients get for the name decides: a certificate of another source (the TLS directory) wins
        return served.isEmpty() || CertificateFiles.SOURCE.equals(served.get().source());
    }

    private void order(CertificateStore s, String host) throws InterruptedException {
        ServedCertificate before = held.get(host);
        Attempts previous = attempts.get(host);
        int attempt = previous == null ? 1 : previous.failures() + 1;
        Issuer.Issued issued;
        try {
            issued = issuer.issue(host);
        } catch (IssueFailure f) {
            failed(host, attempt, previous, f);
            return;
        }
        ServedCertificate served;
        try {
            served = CertificateFiles.served(host, issued.key(), issued.chain());
        } catch (GeneralSecurityException e) {
            failed(host, attempt, previous, new IssueFailure("issued certificate unreadable: " + e.getMessage()));
            return;
        }
        try {
            files.save(host, issued.key(), issued.chain());
        } catch (IOException | GeneralSecurityException e) {
            LOG.error("acme certificate not stored host={} dir={} reason=\"{}\" (served until restart)", host, files.dir(), e.getMessage());
        }
        attempts.remove(host);
        held.put(host, served);
        issuedCount.incrementAndGet();
        LOG.info("acme certificate issued host={} kind={} serial={} notAfter={} renewAt={} chain={}", host, before == null ? "new" : "renewal",
                served.leaf().getSerialNumber().toString(16), served.notAfter(), window.renewAt(served), served.chain().size());
        publish(s);
    }

    private void failed(String host, int attempt, Attempts previous, IssueFailure f) {
        failedCount.incrementAndGet();
        // the order took its time: the backoff counts from its end
        Instant now = clock.instant();
        Duration wait = f.refused() ? backoff.max() : backoff.after(attempt);
        Instant next = now.plus(wait);
        if (f.retryAfter().isPresent() && f.retryAfter().get().isAfter(next)) {
            next = f.retryAfter().get();
        }
        attempts.put(host, new Attempts(attempt, next, f.getMessage()));
        boolean repeatedRefusal = f.refused() && previous != null && f.getMessage().equals(previous.reason());
        if (repeatedRefusal) {
            LOG.debug("acme refused again host={} attempt={} retryAt={}", host, attempt, next);
        } else {
            LOG.warn("acme order failed host={} attempt={} refused={} retryAt={} reason=\"{}\"", host, attempt, f.refused(), next, f.getMessage());
        }
    }

    private void publish(CertificateStore s) {
        try {
            s.replace(CertificateFiles.SOURCE, List.copyOf(held.values()));
            publishedTo = s;
        } catch (RuntimeException e) {
            LOG.error("acme certificates not published reason=\"{}\"", AcmeIssuer.oneLine(String.valueOf(e)));
        }
    }

    /** Withdraws everything from the store it was published to (the bundle stops). */
    void withdraw() {
        CertificateStore s = publishedTo;
        if (s != null) {
            try {
                s.replace(CertificateFiles.SOURCE, List.of());
            } catch (RuntimeException e) {
                // the load balancer is stopping too
            }
        }
    }
}
