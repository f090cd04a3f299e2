package haystack.acme.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import haystack.testing.Pebble;
import haystack.testing.RequiresPebble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import haystack.testing.LogLines;

/**
 * acme4j inside this bundle against a real ACME server: pebble validates HTTP-01 for real,
 * resolving every name to 127.0.0.1 (dnsmasq) and fetching the token from a test HTTP
 * server that answers from {@link PendingChallenges}, as the load balancer does.
 */
@RequiresPebble
class AcmeIssuerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private static PendingChallenges challenges;
    private static ChallengeServer http;
    private static WildcardDns dns;
    private static Pebble pebble;

    @BeforeAll
    static void start() throws Exception {
        challenges = new PendingChallenges();
        http = new ChallengeServer(challenges);
        dns = new WildcardDns(dir.resolve("dns"));
        pebble = Pebble.start(dir.resolve("pebble"), new Pebble.Options().dnsServer(dns.address()).httpPort(http.port())
                .refuse("refused.example").env("PEBBLE_AUTHZREUSE", "0"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (pebble != null) {
            pebble.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (http != null) {
            http.close();
        }
    }

    private static AcmeIssuer issuer(String data) throws Exception {
        return new AcmeIssuer(URI.create(pebble.directoryUrl()), "ops@example.com", TrustedCa.context(pebble.caFile().toString()), TIMEOUT,
                new AccountKey(dir.resolve(data)), challenges);
    }

    @Test
    void issuesByHttp01ACertificateForTheNameThatChainsToPebblesRoot() throws Exception {
        int answeredBefore = http.answered.get();
        Issuer.Issued issued = issuer("a").issue("web.haystack");

        X509Certificate leaf = issued.chain().get(0);
        assertEquals(List.of("web.haystack"), SubjectNames.dnsNames(leaf));
        assertTrue(EcKeys.matches(issued.key(), leaf.getPublicKey()), "the key is the leaf's");
        X509Certificate root = pebble.root();
        X509Certificate last = issued.chain().get(issued.chain().size() - 1);
        for (int i = 0; i + 1 < issued.chain().size(); i++) {
            issued.chain().get(i).verify(issued.chain().get(i + 1).getPublicKey());
        }
        last.verify(root.getPublicKey());
        assertTrue(http.answered.get() > answeredBefore, "pebble fetched the token over HTTP");
        assertEquals(0, challenges.size(), "no token left pending");
    }

    @Test
    void theAccountIsReusedByAnotherIssuerOnTheSameKey() throws Exception {
        try (LogLines log = new LogLines()) {
            issuer("b").issue("one.haystack");
            issuer("b").issue("two.haystack");
            List<String> accounts = log.containing("acme account ready").stream().map(l -> l.replaceAll(".*account=(\\S+).*", "$1")).toList();
            assertEquals(2, accounts.size(), String.join("\n", log.lines()));
            assertEquals(accounts.get(0), accounts.get(1));
        }
    }

    @Test
    void aNameTheCaWillNotIssueForIsARefusal() throws Exception {
        IssueFailure f = assertThrows(IssueFailure.class, () -> issuer("c").issue("refused.example"));
        assertTrue(f.refused(), f.getMessage());
        assertTrue(f.getMessage().contains("rejectedIdentifier"), f.getMessage());
    }

    @Test
    void aTokenNobodyAnswersFailsTheOrderWithoutRefusal() throws Exception {
        PendingChallenges elsewhere = new PendingChallenges();
        AcmeIssuer issuer = new AcmeIssuer(URI.create(pebble.directoryUrl()), "", TrustedCa.context(pebble.caFile().toString()), TIMEOUT,
                new AccountKey(dir.resolve("d")), elsewhere);
        IssueFailure f = assertThrows(IssueFailure.class, () -> issuer.issue("unanswered.haystack"));
        assertFalse(f.refused(), f.getMessage());
        assertTrue(f.getMessage().contains("http-01 challenge INVALID"), f.getMessage());
    }
}
