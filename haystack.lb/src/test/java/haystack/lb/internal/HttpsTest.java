package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import haystack.api.tls.HttpChallenges;
import haystack.lb.internal.tls.CertificateStoreImpl;
import haystack.lb.internal.tls.TlsDirectory;
import haystack.testing.OpenSsl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the load balancer with real clients: certificates from an openssl-made CA in a
 * watched directory, {@code curl} and {@code openssl s_client} choosing names by SNI, and
 * the hostile clients of SPEC §5b's tests (no SNI, unknown SNI, not TLS, TLS 1.0, a
 * handshake that stops, garbage after the handshake).
 */
class HttpsTest {

    @TempDir
    static Path tmp;
    static OpenSsl ca;
    static Path tlsDir;
    static CertificateStoreImpl store;
    static TlsDirectory directory;
    /**
     * Long enough that no handshake of curl, s_client or the JDK client meets it on a loaded
     * machine (the event loop was once descheduled for 1.9 s, beyond the 1.5 s this was), short
     * enough that the stalled handshake below is closed by it within the test.
     */
    static final int HEAD_TIMEOUT_MS = 5000;
    static LbFixture lb;
    static TestBackends.Echo echo;
    static int https;

    @BeforeAll
    static void start() throws Exception {
        ca = new OpenSsl(tmp.resolve("ca"));
        tlsDir = Files.createDirectories(tmp.resolve("tls"));
        install("a", "ec", "a.example.test");
        install("b", "rsa", "b.example.test");
        install("wild", "ec-pkcs8", "*.wild.example.test");
        store = new CertificateStoreImpl(tmp.resolve("data"));
        directory = new TlsDirectory(tlsDir, store);
        TestConfig config = new TestConfig();
        config.headTimeout = HEAD_TIMEOUT_MS;
        lb = new LbFixture(config, haystack.api.trace.Tracer.OFF, store);
        echo = new TestBackends.Echo();
        lb.put(LbFixture.endpoint("web", "web-1", echo.port()).aliases(java.util.Set.of("a.example.test", "b.example.test", "x.wild.example.test")).build(),
                LbFixture.endpoint("secure", "secure-1", echo.port()).labels(Map.of("haystack.tls.redirect", "true")).build());
        https = lb.lb.httpsPort();
    }

    /** Makes a leaf for {@code names} and moves its files into the TLS directory. */
    static void install(String base, String keyType, String... names) throws Exception {
        Path[] files = ca.leaf(base, keyType, 30, names);
        Files.move(files[1], tlsDir.resolve(base + ".key"));
        Files.move(files[0], tlsDir.resolve(base + ".crt"));
    }

    @AfterAll
    static void stop() {
        if (lb != null) {
            lb.close();
        }
        if (echo != null) {
            echo.close();
        }
        if (directory != null) {
            directory.close();
        }
    }

    @Test
    void twoNamesByTwoCertificatesAndAWildcardOverCurl() throws Exception {
        OpenSsl.Result a = ca.curl("a.example.test", https, "/hello");
        assertTrue(a.out().endsWith("\n200"), a.out());
        assertTrue(a.out().contains("x-forwarded-proto=https"), a.out());
        assertTrue(a.out().contains("host=a.example.test"), a.out());
        OpenSsl.Result b = ca.curl("b.example.test", https, "/");
        assertTrue(b.out().endsWith("\n200"), b.out());
        OpenSsl.Result w = ca.curl("x.wild.example.test", https, "/");
        assertTrue(w.out().endsWith("\n200"), w.out());
        assertEquals("a.example.test", OpenSsl.servedSubject(OpenSsl.sClient(https, "a.example.test")));
        assertEquals("b.example.test", OpenSsl.servedSubject(OpenSsl.sClient(https, "B.Example.Test")));
        assertEquals("*.wild.example.test", OpenSsl.servedSubject(OpenSsl.sClient(https, "y.wild.example.test")));
        // one label only: a.b.wild... and the bare parent are not the wildcard's
        assertEquals("Haystack default certificate", OpenSsl.servedSubject(OpenSsl.sClient(https, "a.b.wild.example.test")));
        assertEquals("Haystack default certificate", OpenSsl.servedSubject(OpenSsl.sClient(https, "wild.example.test")));
    }

    @Test
    void withoutSniOrWithAnUnknownNameTheDefaultCertificate() throws Exception {
        OpenSsl.Result none = OpenSsl.sClient(https, null);
        assertEquals("Haystack default certificate", OpenSsl.servedSubject(none), none.out());
        assertEquals("Haystack default certificate", OpenSsl.servedSubject(OpenSsl.sClient(https, "nobody.example.test")));
    }

    @Test
    void alpnOffersOnlyHttp11AndTls10IsRefused() throws Exception {
        OpenSsl.Result alpn = OpenSsl.sClient(https, "a.example.test", "-alpn", "h2,http/1.1");
        assertTrue(alpn.out().contains("ALPN protocol: http/1.1"), alpn.out());
        long before = lb.lb.tls().metrics().failures("protocol_version");
        OpenSsl.Result old = OpenSsl.sClient(https, "a.example.test", "-tls1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertNotEquals(0, old.status(), old.out());
        assertTrue(old.out().contains("alert") || old.out().contains("no protocols available") || old.out().contains("unsupported protocol"), old.out());
        OpenSsl.Result tls11 = OpenSsl.sClient(https, "a.example.test", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertNotEquals(0, tls11.status(), tls11.out());
        OpenSsl.Result tls12 = OpenSsl.sClient(https, "a.example.test", "-tls1_2");
        assertTrue(tls12.out().contains("Protocol  : TLSv1.2") || tls12.out().contains("TLSv1.2"), tls12.out());
        assertTrue(lb.lb.tls().metrics().failures("protocol_version") > before, "TLS 1.0/1.1 counted as protocol_version failures");
    }

    @Test
    void garbageInsteadOfAClientHelloIsClosedAtOnce() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", https), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1024];
            int total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                assertTrue(total < 64, "at most an alert comes back");
            }
            long waited = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(waited < HEAD_TIMEOUT_MS - 1000, "closed at once, not at the head timeout: " + waited + " ms");
        }
    }

    @Test
    void aHandshakeThatStopsIsClosedAtTheHeadTimeoutAndOthersGoOn() throws Exception {
        try (Socket stalled = new Socket()) {
            stalled.connect(new InetSocketAddress("127.0.0.1", https), 2000);
            stalled.setSoTimeout(HEAD_TIMEOUT_MS + 30_000);
            // the first bytes of a ClientHello record, then nothing
            stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00});
            OpenSsl.Result other = ca.curl("a.example.test", https, "/");
            assertTrue(other.out().endsWith("\n200"), other.out());
            long t0 = System.nanoTime();
            assertEquals(-1, stalled.getInputStream().read(), "closed, nothing sent");
            long waited = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(waited < HEAD_TIMEOUT_MS + 20_000, "closed at the head timeout, waited " + waited + " ms");
        }
        assertTrue(lb.lb.tls().metrics().failures("timeout") >= 1);
    }

    @Test
    void theServersCipherOrderWinsAes128GcmFirst() throws Exception {
        // the JDK's client lists AES-256 first: the server's order (TlsEngines.preferred) decides
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) trusting().getSocketFactory().createSocket("127.0.0.1", https)) {
                javax.net.ssl.SSLParameters p = s.getSSLParameters();
                p.setServerNames(List.of(new javax.net.ssl.SNIHostName("a.example.test"))); // ECDSA
                p.setProtocols(new String[] {protocol});
                s.setSSLParameters(p);
                s.setSoTimeout(5000);
                s.startHandshake();
                assertEquals(protocol, s.getSession().getProtocol());
                assertEquals(protocol.equals("TLSv1.3") ? "TLS_AES_128_GCM_SHA256" : "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                        s.getSession().getCipherSuite());
            }
        }
    }

    @Test
    void garbageAfterTheHandshakeClosesThatConnectionOnly() throws Exception {
        javax.net.ssl.SSLContext trust = trusting();
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", https)) {
            javax.net.ssl.SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new javax.net.ssl.SNIHostName("a.example.test")));
            s.setSSLParameters(p);
            s.setSoTimeout(5000);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: a.example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[4096];
            int n = s.getInputStream().read(buf);
            assertTrue(new String(buf, 0, n, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
        }
        // a record with a broken MAC: the connection is closed, the listener serves on
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", https), 2000);
            s.setSoTimeout(5000);
            javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) trusting().getSocketFactory().createSocket(s, "a.example.test", https, false);
            tls.startHandshake();
            s.getOutputStream().write(new byte[] {0x17, 0x03, 0x03, 0x00, 0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int total = 0;
            for (int r; (r = in.read(buf)) > 0; ) {
                total += r;
                assertTrue(total < 20_000, "session tickets, an alert: then the end");
            }
        } catch (java.net.SocketException reset) {
            // closed: what was wanted
        }
        OpenSsl.Result after = ca.curl("a.example.test", https, "/");
        assertTrue(after.out().endsWith("\n200"), after.out());
    }

    /**
     * Served without a restart. The second the SPEC allows comes from the directory's design
     * (a watcher, and a rescan every {@code TlsDirectory.RESCAN_MS} where changes are not
     * reported); the wait here is an upper bound only, as a loaded machine delays the
     * polling client's handshakes by seconds (2.1 s seen with a 1.5 s bound).
     */
    @Test
    void aCertificateAddedWhileRunningIsServedWithoutARestart() throws Exception {
        Path[] files = ca.leaf("late", "ec", 30, "late.example.test");
        assertEquals("Haystack default certificate", subject("late.example.test")); // and the client is warm
        Files.move(files[1], tlsDir.resolve("late.key"));
        Files.move(files[0], tlsDir.resolve("late.crt"));
        long t0 = System.nanoTime();
        String served = null;
        while ((System.nanoTime() - t0) < 30_000_000_000L) {
            served = subject("late.example.test");
            if ("late.example.test".equals(served)) {
                break;
            }
            Thread.sleep(50);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("late.example.test", served, "not served after " + ms + " ms");
        assertEquals("late.example.test", OpenSsl.servedSubject(OpenSsl.sClient(https, "late.example.test")));
        Files.delete(tlsDir.resolve("late.crt"));
        Files.delete(tlsDir.resolve("late.key"));
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsSkippedAndTheOthersServe() throws Exception {
        Path[] one = ca.leaf("m1", "ec", 30, "mismatch.example.test");
        Path[] two = ca.leaf("m2", "ec", 30, "other.example.test");
        Files.move(two[1], tlsDir.resolve("mismatch.key"));
        Files.move(one[0], tlsDir.resolve("mismatch.crt"));
        Thread.sleep(1500);
        OpenSsl.Result mismatch = OpenSsl.sClient(https, "mismatch.example.test");
        assertEquals("Haystack default certificate", OpenSsl.servedSubject(mismatch), mismatch.out());
        assertEquals("a.example.test", OpenSsl.servedSubject(OpenSsl.sClient(https, "a.example.test")));
        Files.delete(tlsDir.resolve("mismatch.key"));
        Files.delete(tlsDir.resolve("mismatch.crt"));
    }

    @Test
    void plainHttpOfARedirectedServiceGets308AndChallengesAreAnswered() throws Exception {
        var r = lb.get("secure.services.haystack", "/path?q=1");
        assertEquals(308, r.statusCode());
        assertEquals("https://secure.services.haystack:" + https + "/path?q=1", r.headers().firstValue("location").orElse(""));
        HttpChallenges challenges = token -> token.equals("tok_en-1") ? Optional.of("tok_en-1.thumb") : Optional.empty();
        lb.lb.challengesForTest(List.of(challenges));
        var answered = lb.get("secure.services.haystack", "/.well-known/acme-challenge/tok_en-1");
        assertEquals(200, answered.statusCode());
        assertEquals("tok_en-1.thumb", answered.body());
        var unknown = lb.get("secure.services.haystack", "/.well-known/acme-challenge/other");
        assertEquals(308, unknown.statusCode(), "a token nobody knows is routed as usual");
        var notRedirected = lb.get("web.services.haystack", "/");
        assertEquals(200, notRedirected.statusCode());
        assertTrue(notRedirected.body().contains("x-forwarded-proto=http\n"), notRedirected.body());
    }

    /** The CN of the certificate served for {@code sni}, by a JDK client that trusts any (fast, for polling). */
    static String subject(String sni) throws Exception {
        javax.net.ssl.SSLContext any = javax.net.ssl.SSLContext.getInstance("TLS");
        any.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        }}, null);
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", https)) {
            s.setSoTimeout(5000);
            javax.net.ssl.SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new javax.net.ssl.SNIHostName(sni)));
            s.setSSLParameters(p);
            s.startHandshake();
            String dn = ((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
            return dn.substring(dn.indexOf("CN=") + 3).split(",")[0];
        }
    }

    static javax.net.ssl.SSLContext trusting() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(ca.caCert)) {
            ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }
}
