package haystack.acme.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import haystack.api.tls.ServedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import haystack.testing.LogLines;

/**
 * Which host is ordered when, with an issuer that hands out openssl-made certificates or
 * fails as told, and a clock the test moves: no network, no waiting.
 */
class CertificateKeeperTest {

    @TempDir
    static Path made;
    private static final Map<String, Issuer.Issued> CERTIFICATES = new ConcurrentHashMap<>();

    @TempDir
    Path dir;
    private LogLines log;
    private FakeStore store;
    private FakeRoutedHosts routed;
    private ScriptedIssuer issuer;
    private MovableClock clock;

    /** Issues from {@link #CERTIFICATES}, or fails with the failure set, and records every call. */
    static final class ScriptedIssuer implements Issuer {
        final List<String> calls = new ArrayList<>();
        volatile IssueFailure failure;

        @Override
        public Issued issue(String host) throws IssueFailure {
            calls.add(host);
            if (failure != null) {
                throw failure;
            }
            return CERTIFICATES.get(host);
        }
    }

    static final class MovableClock extends Clock {
        Instant now = Instant.now();

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    @BeforeAll
    static void certificates() throws Exception {
        for (String host : List.of("a.haystack", "b.haystack", "c.haystack", "covered.haystack", "web", "web.services.haystack")) {
            CERTIFICATES.put(host, OpensslCertificates.selfSigned(made, host, 90));
        }
    }

    @BeforeEach
    void start() {
        log = new LogLines();
        store = new FakeStore();
        routed = new FakeRoutedHosts();
        issuer = new ScriptedIssuer();
        clock = new MovableClock();
    }

    @AfterEach
    void stop() {
        log.close();
    }

    private CertificateKeeper keeper(int perHour) {
        return new CertificateKeeper(issuer, new CertificateFiles(dir), () -> store, () -> routed, RenewalWindow.THIRD_OF_LIFETIME,
                new OrderBudget(perHour), new Backoff(Duration.ofSeconds(10), Duration.ofHours(6)), clock);
    }

    @Test
    void oneOrderPerTickForEveryRoutedHostWithoutACertificate() throws Exception {
        CertificateKeeper keeper = keeper(20);
        routed.hosts.addAll(List.of("b.haystack", "a.haystack"));
        keeper.tick();
        assertEquals(List.of("a.haystack"), issuer.calls);
        keeper.tick();
        keeper.tick();
        assertEquals(List.of("a.haystack", "b.haystack"), issuer.calls, "each host once");
        assertEquals(2, store.of("acme").size());
        assertTrue(store.match("b.haystack", null).isPresent());
        assertEquals(1, log.containing("acme certificate issued", "host=a.haystack", "kind=new").size());
    }

    @Test
    void aHostAnotherSourceServesIsLeftAlone() throws Exception {
        ServedCertificate fromDir = CertificateFiles.served("covered.haystack", CERTIFICATES.get("covered.haystack").key(),
                CERTIFICATES.get("covered.haystack").chain());
        store.replace("dir", List.of(new ServedCertificate("covered", "dir", fromDir.dnsNames(), fromDir.key(), fromDir.chain())));
        routed.hosts.add("covered.haystack");
        CertificateKeeper keeper = keeper(20);
        keeper.tick();
        keeper.tick();
        assertEquals(List.of(), issuer.calls);
    }

    @Test
    void renewedOnceAThirdOfTheLifetimeIsLeftAndNotBefore() throws Exception {
        CertificateKeeper keeper = keeper(20);
        routed.hosts.add("a.haystack");
        keeper.tick();
        ServedCertificate first = keeper.held().get("a.haystack");
        Instant renewAt = RenewalWindow.THIRD_OF_LIFETIME.renewAt(first);
        clock.now = renewAt.minusSeconds(1);
        keeper.tick();
        assertEquals(1, issuer.calls.size(), "not due a second before");
        clock.now = renewAt;
        keeper.tick();
        assertEquals(2, issuer.calls.size(), "renewed at the window");
        assertEquals(1, log.containing("acme certificate issued", "host=a.haystack", "kind=renewal").size());
    }

    @Test
    void failuresBackOffPerHostExponentiallyWithOneLinePerAttempt() throws Exception {
        CertificateKeeper keeper = keeper(1000);
        routed.hosts.addAll(List.of("a.haystack", "b.haystack"));
        issuer.failure = new IssueFailure("IOException: connection refused");
        keeper.tick();
        keeper.tick();
        assertEquals(List.of("a.haystack", "b.haystack"), issuer.calls, "a failing host does not block the next");
        keeper.tick();
        assertEquals(2, issuer.calls.size(), "both wait out their backoff");
        // 10 s, 20 s, 40 s … : attempt n comes after 10·2^(n-2) s more
        Duration wait = Duration.ofSeconds(10);
        for (int attempt = 2; attempt <= 6; attempt++) {
            clock.advance(wait.minusSeconds(1));
            keeper.tick();
            assertEquals(2 * (attempt - 1), issuer.calls.size(), "attempt " + attempt + " not before its backoff");
            clock.advance(Duration.ofSeconds(1));
            keeper.tick();
            keeper.tick();
            assertEquals(2 * attempt, issuer.calls.size(), "attempt " + attempt + " after its backoff");
            wait = wait.multipliedBy(2);
        }
        assertEquals(6, log.containing("acme order failed", "host=a.haystack").size(), String.join("\n", log.lines()));
        assertEquals(6, log.containing("acme order failed", "host=b.haystack").size());
        assertEquals(1, log.containing("acme order failed", "host=a.haystack", "attempt=6").size());

        issuer.failure = null;
        clock.advance(Duration.ofHours(1));
        keeper.tick();
        keeper.tick();
        assertEquals(2, store.of("acme").size(), "recovered");
    }

    @Test
    void aRefusalIsLoggedOnceAndWaitsTheLongestBackoff() throws Exception {
        CertificateKeeper keeper = keeper(1000);
        routed.hosts.add("a.haystack");
        issuer.failure = new IssueFailure("rejectedIdentifier pebble will not issue for internal.haystack", true, null);
        keeper.tick();
        clock.advance(Duration.ofHours(6).minusSeconds(1));
        keeper.tick();
        assertEquals(1, issuer.calls.size());
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofHours(6));
            keeper.tick();
        }
        assertEquals(4, issuer.calls.size());
        assertEquals(1, log.containing("acme order failed", "host=a.haystack", "refused=true").size(), String.join("\n", log.lines()));
    }

    @Test
    void theHourlyBudgetBoundsOrdersAndSaysSoOnce() throws Exception {
        CertificateKeeper keeper = keeper(2);
        routed.hosts.addAll(List.of("a.haystack", "b.haystack", "c.haystack"));
        for (int i = 0; i < 10; i++) {
            keeper.tick();
        }
        assertEquals(List.of("a.haystack", "b.haystack"), issuer.calls);
        assertEquals(1, log.containing("acme order budget spent").size());
        clock.advance(Duration.ofHours(1));
        keeper.tick();
        assertEquals(3, issuer.calls.size());
    }

    @Test
    void namesNoCertificateCanCarryAreSkippedWithOneLine() throws Exception {
        CertificateKeeper keeper = keeper(20);
        routed.hosts.addAll(List.of("*.haystack", "_srv.haystack"));
        keeper.tick();
        keeper.tick();
        assertEquals(List.of(), issuer.calls);
        assertEquals(1, log.containing("acme skipped", "host=*.haystack").size());
    }

    @Test
    void storedCertificatesArePublishedWhenTheStoreAppearsAndNotOrderedAgain() throws Exception {
        CertificateKeeper first = keeper(20);
        routed.hosts.add("a.haystack");
        first.tick();
        assertEquals(1, issuer.calls.size());

        FakeStore later = new FakeStore();
        store = null;
        CertificateKeeper restarted = keeper(20);
        restarted.load();
        restarted.tick();
        assertEquals(1, log.containing("acme waiting for the load balancer").size());
        store = later;
        restarted.tick();
        assertEquals(1, later.of("acme").size(), "published from disk");
        assertEquals(1, issuer.calls.size(), "no new order");
        assertEquals(1, log.containing("acme certificate loaded", "host=a.haystack").size());
        assertFalse(later.of("acme").isEmpty());
    }

    @Test
    void anAcmeCertificateDueForRenewalIsLeftWhenTheDirectoryNowServesTheName() throws Exception {
        CertificateKeeper keeper = keeper(20);
        routed.hosts.add("covered.haystack");
        keeper.tick();
        assertEquals(1, issuer.calls.size());
        Issuer.Issued own = CERTIFICATES.get("covered.haystack");
        store.replace("dir", List.of(new ServedCertificate("covered", "dir", List.of("covered.haystack"), own.key(), own.chain())));
        clock.advance(Duration.ofDays(89));
        keeper.tick();
        assertEquals(1, issuer.calls.size(), "the directory's certificate is what clients get: no renewal");
    }

    @Test
    void aCorruptStoredCertificateIsLoggedAndOrderedAgain() throws Exception {
        routed.hosts.add("a.haystack");
        keeper(20).tick();
        java.nio.file.Files.writeString(dir.resolve("a.haystack.pem"), "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
        CertificateKeeper restarted = keeper(20);
        restarted.load();
        restarted.tick();
        assertEquals(2, issuer.calls.size(), "ordered again");
        assertEquals(1, log.containing("acme stored certificate unusable", "host=a.haystack").size());
        assertEquals(1, new CertificateFiles(dir).load().size(), "the file is whole again");
    }

    @Test
    void fullNamesAreOrderedBeforeTheShortFormsACaCannotReach() throws Exception {
        CertificateKeeper keeper = keeper(20);
        routed.hosts.addAll(List.of("web", "web.services.haystack"));
        keeper.tick();
        keeper.tick();
        assertEquals(List.of("web.services.haystack", "web"), issuer.calls);
    }

    @Test
    void theBackoffCountsFromTheEndOfTheFailedOrder() throws Exception {
        routed.hosts.add("a.haystack");
        issuer.failure = new IssueFailure("slow and failed");
        Issuer slow = host -> {
            clock.advance(Duration.ofSeconds(30));
            return issuer.issue(host);
        };
        CertificateKeeper keeper = new CertificateKeeper(slow, new CertificateFiles(dir), () -> store, () -> routed, RenewalWindow.THIRD_OF_LIFETIME,
                new OrderBudget(20), new Backoff(Duration.ofSeconds(10), Duration.ofHours(6)), clock);
        Instant started = clock.now;
        keeper.tick();
        assertEquals(1, log.containing("acme order failed", "retryAt=" + started.plusSeconds(40)).size(), String.join("\n", log.lines()));
    }
}
