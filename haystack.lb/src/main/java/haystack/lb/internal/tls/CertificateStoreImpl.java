package haystack.lb.internal.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

import haystack.api.metrics.MetricsWriter;
import haystack.api.metrics.MetricsWriter.Type;
import haystack.api.tls.CertificateStore;
import haystack.api.tls.ServedCertificate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates the HTTPS listener serves (SPEC §5b), by source. Every change builds a
 * new {@link CertificateSnapshot} and an SSLContext over it, swapped in one volatile
 * write: handshakes under way finish with what they started with, new ones see the change.
 */
@Component(service = {CertificateStore.class, CertificateStoreImpl.class}, configurationPid = "haystack.tls",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class CertificateStoreImpl implements CertificateStore {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateStoreImpl.class);

    /** One snapshot and the SSLContext whose key manager reads it. */
    record Served(CertificateSnapshot snapshot, SSLContext context) {
    }

    private final ServedCertificate generated;
    /** Guarded by itself. */
    private final Map<String, List<ServedCertificate>> bySource = new TreeMap<>();
    private volatile Served served;

    @Activate
    public CertificateStoreImpl(TlsConfig config) {
        this(Path.of(config.data()));
    }

    /** {@code dataDir} keeps the generated default certificate; null keeps it in memory (tests). */
    public CertificateStoreImpl(Path dataDir) {
        this.generated = DefaultCertificate.loadOrCreate(dataDir);
        synchronized (bySource) {
            publish();
        }
    }

    @Override
    public void replace(String source, Collection<ServedCertificate> certificates) {
        synchronized (bySource) {
            for (ServedCertificate c : certificates) {
                if (!c.source().equals(source)) {
                    throw new IllegalArgumentException("certificate " + c.name() + " is from " + c.source() + ", not " + source);
                }
            }
            if (certificates.isEmpty()) {
                bySource.remove(source);
            } else {
                bySource.put(source, List.copyOf(certificates));
            }
            publish();
        }
        LOG.info("certificates replaced source={} count={}", source, certificates.size());
    }

    private void publish() {
        List<ServedCertificate> all = new ArrayList<>();
        bySource.values().forEach(all::addAll);
        CertificateSnapshot snapshot = new CertificateSnapshot(all, generated);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new SniKeyManager(snapshot)}, null, null);
            served = new Served(snapshot, context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM: " + e, e);
        }
    }

    /** Every certificate served, the generated default among them when it is the default. */
    @Override
    public List<ServedCertificate> certificates() {
        CertificateSnapshot s = served.snapshot();
        if (s.all().contains(s.fallback())) {
            return s.all();
        }
        List<ServedCertificate> all = new ArrayList<>(s.all());
        all.add(s.fallback());
        return List.copyOf(all);
    }

    @Override
    public Optional<ServedCertificate> match(String host, String source) {
        return served.snapshot().match(host, source);
    }

    /** What new handshakes use now. */
    Served current() {
        return served;
    }

    /** The certificate served to clients without SNI or asking for an unknown name. */
    public ServedCertificate fallback() {
        return served.snapshot().fallback();
    }

    /** Seconds until each served certificate expires, by name and source. */
    public void collect(MetricsWriter w) {
        Instant now = Instant.now();
        w.family("haystack_tls_certificate_expiry_seconds", Type.GAUGE, "Seconds until a served certificate expires, by certificate name and source");
        for (ServedCertificate c : certificates()) {
            w.sample("haystack_tls_certificate_expiry_seconds", c.notAfter().getEpochSecond() - now.getEpochSecond(),
                    "name", c.name(), "source", c.source());
        }
    }
}
