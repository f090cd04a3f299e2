package haystack.ssh.internal.commands;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import haystack.api.tls.CertificateStore;
import haystack.api.tls.ServedCertificate;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code haystack:certs}: the certificates the HTTPS listener serves, asked of the running store (SPEC §5b). */
@Component(service = CertificateCommands.class, property = { "osgi.command.scope=haystack", "osgi.command.function=certs" })
public final class CertificateCommands {

    private final CertificateStore store;

    @Activate
    public CertificateCommands(@Reference CertificateStore store) {
        this.store = store;
    }

    @Descriptor("list the certificates served over HTTPS: name, source, DNS names, expiry")
    public String certs() {
        List<ServedCertificate> all = store.certificates().stream()
                .sorted(Comparator.comparing(ServedCertificate::source).thenComparing(ServedCertificate::name)).toList();
        return table(all) + all.size() + " certificate" + (all.size() == 1 ? "" : "s");
    }

    @Descriptor("show the certificate a client asking for a host name by SNI gets")
    public String certs(@Descriptor("host name, e.g. shop.example.com") String host) {
        ServedCertificate c = store.match(host, null).orElseThrow(() -> new IllegalArgumentException(
                "no certificate serves '" + host + "'; clients asking for it get the default certificate (see haystack:certs)"));
        return table(List.of(c)).stripTrailing();
    }

    private static String table(List<ServedCertificate> certificates) {
        Instant now = Instant.now();
        Table table = new Table("NAME", "SOURCE", "DNS NAMES", "NOT AFTER", "DAYS LEFT", "KEY");
        for (ServedCertificate c : certificates) {
            table.row(c.name(), c.source(), String.join(",", c.dnsNames()), c.notAfter(),
                    Duration.between(now, c.notAfter()).toDays(), c.key().getAlgorithm());
        }
        return table.toString();
    }
}
