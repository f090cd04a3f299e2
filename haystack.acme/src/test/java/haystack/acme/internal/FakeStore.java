package haystack.acme.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import haystack.api.tls.CertificateStore;
import haystack.api.tls.ServedCertificate;

/** The load balancer's certificate store, reduced to what ACME uses: sources, and matching by exact name or one wildcard label. */
final class FakeStore implements CertificateStore {

    private final Map<String, List<ServedCertificate>> bySource = new ConcurrentHashMap<>();
    final AtomicInteger replacements = new AtomicInteger();

    @Override
    public void replace(String source, Collection<ServedCertificate> certificates) {
        bySource.put(source, List.copyOf(certificates));
        replacements.incrementAndGet();
    }

    @Override
    public List<ServedCertificate> certificates() {
        List<ServedCertificate> all = new ArrayList<>();
        bySource.values().forEach(all::addAll);
        return all;
    }

    List<ServedCertificate> of(String source) {
        return bySource.getOrDefault(source, List.of());
    }

    @Override
    public Optional<ServedCertificate> match(String host, String source) {
        // the directory ("dir") wins over ACME, as an operator's own file should
        return certificates().stream()
                .filter(c -> source == null || c.source().equals(source))
                .filter(c -> c.dnsNames().stream().anyMatch(n -> n.equals(host)
                        || (n.startsWith("*.") && host.indexOf('.') > 0 && host.substring(host.indexOf('.')).equals(n.substring(1)))))
                .min((a, b) -> Boolean.compare(a.source().equals("acme"), b.source().equals("acme")));
    }
}
