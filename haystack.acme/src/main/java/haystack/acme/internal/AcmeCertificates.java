package haystack.acme.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import haystack.api.lb.RoutedHosts;
import haystack.api.metrics.MetricsSource;
import haystack.api.metrics.MetricsWriter;
import haystack.api.tls.CertificateStore;
import haystack.api.tls.HttpChallenges;
import haystack.api.tls.ServedCertificate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACME certificates (SPEC §5b): with {@code HAYSTACK_ACME_DIRECTORY} set, every routed host
 * name that no other source serves gets a certificate by HTTP-01 and keeps it renewed. The
 * work runs on one thread of its own; the load balancer only asks this component's
 * {@link HttpChallenges} for tokens. The store and the routed hosts are optional
 * references: without a load balancer offering them this waits, it does not hold up start.
 */
@Component(configurationPid = "haystack.acme", configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = { HttpChallenges.class, MetricsSource.class })
@Designate(ocd = AcmeCertificates.Config.class)
public final class AcmeCertificates implements HttpChallenges, MetricsSource {

    private static final Logger LOG = LoggerFactory.getLogger(AcmeCertificates.class);
    /** How often routed hosts are looked at: a set read and one store match per host. */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    static final Duration RETRY_MAX = Duration.ofHours(6);

    @ObjectClassDefinition(name = "Haystack ACME", description = "Certificates over ACME v2 HTTP-01 for every routed host name (SPEC §5b)")
    public @interface Config {
        @AttributeDefinition(description = "ACME v2 directory URL, https:// (HAYSTACK_ACME_DIRECTORY); empty turns ACME off")
        String directory() default "";

        @AttributeDefinition(description = "Contact e-mail given to the CA for the account (HAYSTACK_ACME_EMAIL); may be empty")
        String email() default "";

        @AttributeDefinition(description = "PEM file of the certificates trusted for the ACME server's HTTPS (HAYSTACK_ACME_CA); empty: the JDK's trust store")
        String ca() default "";

        @AttributeDefinition(description = "Data directory (HAYSTACK_DATA); the account key and certificates are kept in its acme/ folder")
        String data() default "data";

        @AttributeDefinition(description = "Renew this many seconds before expiry (HAYSTACK_ACME_RENEW_BEFORE); 0: when a third of the lifetime is left")
        int renew_before() default 0;

        @AttributeDefinition(description = "At most this many orders in any hour (HAYSTACK_ACME_ORDERS_PER_HOUR)")
        int orders_per_hour() default 20;

        @AttributeDefinition(description = "First wait after a failed order of a host, in milliseconds, doubling per failure up to 6 hours (HAYSTACK_ACME_RETRY_MIN)")
        int retry_min() default 60_000;

        @AttributeDefinition(description = "Upper bound of every wait on the ACME server, in milliseconds: each request, a validation, a finalization (HAYSTACK_ACME_TIMEOUT)")
        int timeout() default 30_000;
    }

    private final PendingChallenges challenges = new PendingChallenges();
    private final CertificateKeeper keeper;
    private final ScheduledExecutorService worker;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile CertificateStore store;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile RoutedHosts routed;

    @Activate
    public AcmeCertificates(Config config) {
        if (config.directory().isBlank()) {
            keeper = null;
            worker = null;
            LOG.info("acme off (HAYSTACK_ACME_DIRECTORY empty)");
            return;
        }
        URI directory = directory(config.directory());
        check("HAYSTACK_ACME_ORDERS_PER_HOUR", config.orders_per_hour(), 1, 10_000);
        check("HAYSTACK_ACME_RETRY_MIN", config.retry_min(), 1, (int) RETRY_MAX.toMillis());
        check("HAYSTACK_ACME_TIMEOUT", config.timeout(), 100, 600_000);
        check("HAYSTACK_ACME_RENEW_BEFORE", config.renew_before(), 0, Integer.MAX_VALUE);
        SSLContext ssl;
        try {
            ssl = TrustedCa.context(config.ca());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("HAYSTACK_ACME_CA unusable: " + config.ca() + ": " + e.getMessage(), e);
        }
        Path dir = Path.of(config.data()).toAbsolutePath().normalize().resolve("acme");
        Duration timeout = Duration.ofMillis(config.timeout());
        Issuer issuer = new AcmeIssuer(directory, config.email().trim(), ssl, timeout, new AccountKey(dir), challenges);
        keeper = new CertificateKeeper(issuer, new CertificateFiles(dir), () -> store, () -> routed,
                new RenewalWindow(Duration.ofSeconds(config.renew_before())), new OrderBudget(config.orders_per_hour()),
                new Backoff(Duration.ofMillis(config.retry_min()), RETRY_MAX), Clock.systemUTC());
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "haystack-acme");
            t.setDaemon(true);
            return t;
        });
        worker.execute(keeper::load);
        // the first look waits one interval: DS binds the optional references after the constructor
        worker.scheduleWithFixedDelay(this::tick, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("acme started directory={} dir={} email={} renewBefore={} ordersPerHour={}", directory, dir,
                config.email().isBlank() ? "-" : config.email(), config.renew_before() == 0 ? "third-of-lifetime" : config.renew_before() + "s",
                config.orders_per_hour());
    }

    private static URI directory(String text) {
        try {
            URI uri = new URI(text.trim());
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("HAYSTACK_ACME_DIRECTORY must be an https:// URL, was " + text);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("HAYSTACK_ACME_DIRECTORY is not a URL: " + text);
        }
    }

    private static void check(String variable, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(variable + " must be " + min + "-" + max + ", was " + value);
        }
    }

    private void tick() {
        try {
            keeper.tick();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // one bad step must not end the schedule (an exception would cancel it)
            LOG.error("acme step failed reason=\"{}\"", AcmeIssuer.oneLine(String.valueOf(e)), e);
        }
    }

    @Override
    public Optional<String> keyAuthorization(String token) {
        return challenges.keyAuthorization(token);
    }

    @Override
    public void collect(MetricsWriter w) {
        if (keeper == null) {
            return;
        }
        w.family("haystack_acme_orders_total", MetricsWriter.Type.COUNTER, "ACME orders, by result");
        w.sample("haystack_acme_orders_total", keeper.issuedCount.get(), "result", "issued");
        w.sample("haystack_acme_orders_total", keeper.failedCount.get(), "result", "failed");
        w.family("haystack_acme_certificate_expiry_seconds", MetricsWriter.Type.GAUGE, "Expiry of each ACME certificate, in Unix seconds");
        for (ServedCertificate c : keeper.held().values()) {
            w.sample("haystack_acme_certificate_expiry_seconds", c.notAfter().getEpochSecond(), "host", c.name());
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (worker == null) {
            return;
        }
        worker.shutdownNow();
        if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("acme worker did not stop within 10 s");
        }
        keeper.withdraw();
        LOG.info("acme stopped");
    }
}
