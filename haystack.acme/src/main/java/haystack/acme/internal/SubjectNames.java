package haystack.acme.internal;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** The DNS names a certificate serves: its subjectAltName dNSName entries (RFC 5280 §4.2.1.6). */
final class SubjectNames {

    private static final int DNS_NAME = 2;

    private SubjectNames() {
    }

    static List<String> dnsNames(X509Certificate c) throws CertificateParsingException {
        List<String> names = new ArrayList<>();
        Collection<List<?>> sans = c.getSubjectAlternativeNames();
        if (sans == null) {
            return names;
        }
        for (List<?> san : sans) {
            if (san.size() >= 2 && Integer.valueOf(DNS_NAME).equals(san.get(0)) && san.get(1) instanceof String s) {
                names.add(s.toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }
}
