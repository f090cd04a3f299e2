package haystack.lb.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import haystack.api.tls.ServedCertificate;
import org.junit.jupiter.api.Test;

/** SNI selection: exact first, one-label wildcards, key types, sources, the default. */
class CertificateSnapshotTest {

    static final ServedCertificate DEFAULT = DefaultCertificate.loadOrCreate(null);
    static final X509Certificate LEAF = DEFAULT.leaf();

    static ServedCertificate cert(String name, String source, String keyAlgorithm, String... names) throws Exception {
        PrivateKey key = keyAlgorithm.equals("EC") ? DEFAULT.key() : KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
        return new ServedCertificate(name, source, List.of(names), key, List.of(LEAF));
    }

    @Test
    void exactBeforeWildcardAndWildcardsOneLabelDeep() throws Exception {
        ServedCertificate exact = cert("exact", "dir", "EC", "a.example.com");
        ServedCertificate wild = cert("wild", "dir", "EC", "*.example.com");
        CertificateSnapshot s = new CertificateSnapshot(List.of(wild, exact), DEFAULT);
        assertSame(exact, s.select("a.example.com", "EC"));
        assertSame(exact, s.select("A.Example.COM.", "EC"));
        assertSame(wild, s.select("b.example.com", "EC"));
        assertSame(DEFAULT, s.select("x.b.example.com", "EC"), "one label only");
        assertSame(DEFAULT, s.select("example.com", "EC"), "not the parent");
        assertSame(DEFAULT, s.select(null, "EC"));
        assertSame(DEFAULT, s.select("", "EC"));
        assertSame(DEFAULT, s.select(".example.com", "EC"));
    }

    @Test
    void theKeyTypeTheHandshakeAsksForOrNothingForAKnownName() throws Exception {
        ServedCertificate rsa = cert("rsa", "dir", "RSA", "r.example.com");
        CertificateSnapshot s = new CertificateSnapshot(List.of(rsa), DEFAULT);
        assertNull(s.select("r.example.com", "EC"), "never the default for a name that has a certificate: the JDK asks for RSA next");
        assertSame(rsa, s.select("r.example.com", "RSA"));
        assertNull(s.select("unknown.example.com", "RSA"), "the default is EC");
    }

    @Test
    void theDirectoryBeatsOtherSourcesAndItsDefaultPairIsTheDefault() throws Exception {
        ServedCertificate acme = cert("a.example.com", "acme", "EC", "a.example.com");
        ServedCertificate file = cert("a", "dir", "EC", "a.example.com");
        ServedCertificate fileDefault = cert("default", "dir", "EC", "default.example.com");
        CertificateSnapshot s = new CertificateSnapshot(List.of(acme, file, fileDefault), DEFAULT);
        assertSame(file, s.select("a.example.com", "EC"));
        assertSame(acme, s.match("a.example.com", "acme").orElseThrow());
        assertSame(fileDefault, s.fallback());
        assertSame(fileDefault, s.select("nobody.example.com", "EC"));
        assertTrue(s.match("nobody.example.com", null).isEmpty(), "match never answers with the default");
    }

    @Test
    void theKeyManagerGivesTheChosenAliasesKeyAndChain() throws Exception {
        ServedCertificate a = cert("a", "dir", "EC", "a.example.com");
        SniKeyManager km = new SniKeyManager(new CertificateSnapshot(List.of(a), DEFAULT));
        String alias = km.chooseEngineServerAlias("EC", null, null);
        assertEquals(DEFAULT.key(), km.getPrivateKey(alias));
        assertNull(km.getPrivateKey("nonsense"));
        assertNull(km.getCertificateChain("99"));
        assertEquals(2, km.getServerAliases("EC", null).length);
    }
}
