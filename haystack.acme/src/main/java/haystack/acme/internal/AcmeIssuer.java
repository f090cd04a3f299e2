package haystack.acme.internal;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.SSLContext;

import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ACME v2 account (RFC 8555) through acme4j, ordering one certificate per host name by
 * HTTP-01 (§8.3): the token is put in {@link PendingChallenges} for the load balancer to
 * answer, the challenge triggered, and the order finalized with a new EC P-256 key. Each
 * step is one log line naming the host. Used from one thread only.
 */
final class AcmeIssuer implements Issuer {

    private static final Logger LOG = LoggerFactory.getLogger(AcmeIssuer.class);
    private static final String ERROR = "urn:ietf:params:acme:error:";
    /** Problem types by which the CA says it will not issue for this name (RFC 8555 §6.7, RFC 8659). */
    private static final Set<String> REFUSALS = Set.of(ERROR + "rejectedIdentifier", ERROR + "unsupportedIdentifier", ERROR + "caa");
    /** Problem types after which the account must be looked up again. */
    private static final Set<String> ACCOUNT_LOST = Set.of(ERROR + "unauthorized", ERROR + "accountDoesNotExist", ERROR + "userActionRequired");

    private final Session session;
    private final String email;
    private final Duration timeout;
    private final AccountKey accountKey;
    private final PendingChallenges challenges;
    private Login login;

    AcmeIssuer(URI directory, String email, SSLContext ssl, Duration timeout, AccountKey accountKey, PendingChallenges challenges) {
        this.session = new Session(directory, new TrustingAcmeProvider(ssl));
        this.session.networkSettings().setTimeout(timeout);
        this.email = email;
        this.timeout = timeout;
        this.accountKey = accountKey;
        this.challenges = challenges;
    }

    @Override
    public Issued issue(String host) throws IssueFailure, InterruptedException {
        try {
            Order order = login().newOrder().domain(host).create();
            LOG.info("acme order created host={} order={}", host, order.getLocation());
            for (Authorization authorization : order.getAuthorizations()) {
                authorize(host, authorization);
            }
            Status ready = order.waitUntilReady(timeout);
            if (ready != Status.READY) {
                throw new IssueFailure("order " + ready + problem(order.getError()));
            }
            KeyPair key = EcKeys.generate();
            order.execute(Pkcs10.request(host, key));
            Status done = order.waitForCompletion(timeout);
            if (done != Status.VALID) {
                throw new IssueFailure("order " + done + " after finalizing" + problem(order.getError()));
            }
            List<X509Certificate> chain = order.getCertificate().getCertificateChain();
            return new Issued(key.getPrivate(), chain);
        } catch (AcmeRateLimitedException e) {
            throw new IssueFailure("rate limited by the CA: " + describe(e.getProblem()), false, e.getRetryAfter().orElse(null));
        } catch (AcmeServerException e) {
            String type = String.valueOf(e.getType());
            if (ACCOUNT_LOST.contains(type)) {
                login = null;
            }
            throw new IssueFailure(describe(e.getProblem()), REFUSALS.contains(type), null);
        } catch (AcmeException e) {
            login = null;
            throw new IssueFailure(oneLine(e));
        } catch (IOException | GeneralSecurityException e) {
            throw new IssueFailure(oneLine(e));
        } catch (RuntimeException e) {
            // acme4j signals malformed answers (not JSON, missing fields) with runtime exceptions
            login = null;
            throw new IssueFailure("unexpected answer: " + oneLine(e));
        }
    }

    private Login login() throws AcmeException, IOException {
        if (login == null) {
            KeyPair key = accountKey.loadOrCreate();
            AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(key);
            if (!email.isBlank()) {
                builder.addEmail(email);
            }
            login = builder.createLogin(session);
            LOG.info("acme account ready directory={} account={} email={}", session.getServerUri(), login.getAccountLocation(), email.isBlank() ? "-" : email);
        }
        return login;
    }

    private void authorize(String host, Authorization authorization) throws AcmeException, IssueFailure, InterruptedException {
        if (authorization.getStatus() == Status.VALID) {
            LOG.info("acme authorization valid already host={}", host);
            return;
        }
        Http01Challenge challenge = authorization.findChallenge(Http01Challenge.class)
                .orElseThrow(() -> new IssueFailure("the CA offers no http-01 challenge for " + authorization.getIdentifier().getValue()));
        String token = challenge.getToken();
        challenges.put(token, challenge.getAuthorization());
        try {
            challenge.trigger();
            LOG.info("acme challenge triggered host={} type=http-01 token={}", host, token);
            Status status = challenge.waitForCompletion(timeout);
            if (status != Status.VALID) {
                throw new IssueFailure("http-01 challenge " + status + problem(challenge.getError()));
            }
            LOG.info("acme authorization valid host={}", host);
        } finally {
            challenges.remove(token);
        }
    }

    private static String problem(Optional<Problem> p) {
        return p.map(x -> ": " + describe(x)).orElse("");
    }

    static String describe(Problem p) {
        StringBuilder s = new StringBuilder(String.valueOf(p.getType()).replace(ERROR, ""));
        p.getDetail().ifPresent(d -> s.append(" ").append(d));
        for (Problem sub : p.getSubProblems()) {
            s.append("; ").append(describe(sub));
        }
        return oneLine(s.toString());
    }

    private static String oneLine(Throwable e) {
        StringBuilder s = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        Throwable c = e.getCause();
        for (int depth = 0; c != null && depth < 4; depth++, c = c.getCause()) {
            s.append(" <- ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return oneLine(s.toString());
    }

    /** Log lines stay one line and short, whatever the server sent. */
    static String oneLine(String s) {
        String flat = s.replaceAll("[\\r\\n\\t]+", " ").replace('"', '\'');
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }
}
