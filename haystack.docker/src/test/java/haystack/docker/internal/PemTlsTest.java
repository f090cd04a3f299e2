package haystack.docker.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.List;

import haystack.api.discovery.EndpointSource;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS from PEM contents or DOCKER_CERT_PATH, end to end through a TLS endpoint in front of the real engine. */
@RequiresDocker
class PemTlsTest {

    @Test
    void watcherSyncsOverMutualTlsFromPemContents(@TempDir Path dir) throws Exception {
        CertificateFixture certs = new CertificateFixture(dir);
        PemTls serverTls = PemTls.of(certs.read("ca.pem"), certs.read("server.pem"), certs.read("server-key.pem"), "test server");
        PemTls clientTls = PemTls.from(false, "", certs.read("ca.pem"), certs.read("client.pem"), certs.read("client-key-rsa.pem"));
        RegistryImpl registry = new RegistryImpl();
        try (EngineFixture engine = new EngineFixture(); TlsEngineProxy proxy = new TlsEngineProxy(serverTls.getSSLContext(), Path.of("/var/run/docker.sock"))) {
            RegistryProbe probe = new RegistryProbe(registry, engine.prefix);
            URI host = URI.create("tcp://127.0.0.1:" + proxy.port());
            EndpointSource source = new DiscoveryPublisherImpl(registry).open("docker:" + host);
            ContainerEndpoints rules = new ContainerEndpoints("docker:" + host, host.toString(), PortNames.iana(), false, List.of());
            engine.start(engine.container("tls-1"));
            try (HostWatcher w = new HostWatcher(host.toString(), () -> DockerClients.create(host, clientTls), source, rules).start()) {
                probe.await("container discovered over TLS", l -> l.size() == 1);
                assertEquals(host.toString(), probe.now().get(0).host());
            } finally {
                source.close();
                probe.close();
            }
        }
    }

    @Test
    void certPathDirectoryIsRead(@TempDir Path dir) throws Exception {
        CertificateFixture certs = new CertificateFixture(dir);
        Files.copy(dir.resolve("client.pem"), dir.resolve("cert.pem"));
        Files.copy(dir.resolve("client-key.pem"), dir.resolve("key.pem"));
        assertTrue(PemTls.from(true, dir.toString(), "", "", "").getSSLContext() != null);
        assertNull(PemTls.from(false, dir.toString(), "", "", ""), "no TLS without verify or contents");
    }

    @Test
    void badTlsSettingsAreNamed(@TempDir Path dir) throws Exception {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> PemTls.from(true, dir.toString(), "", "", ""));
        assertTrue(missing.getMessage().contains("DOCKER_CERT_PATH") && missing.getMessage().contains("ca.pem"), missing.getMessage());
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class, () -> PemTls.from(false, "", "nope", "nope", "nope"));
        assertTrue(garbage.getMessage().contains("tls.ca/tls.cert/tls.key"), garbage.getMessage());
        CertificateFixture certs = new CertificateFixture(dir);
        IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class,
                () -> PemTls.from(false, "", certs.read("ca.pem"), certs.read("client.pem"), certs.read("client.pem")));
        assertTrue(noKey.getMessage().contains("PRIVATE KEY"), noKey.getMessage());
        String sec1 = "-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n";
        IllegalArgumentException ec = assertThrows(IllegalArgumentException.class,
                () -> PemTls.from(false, "", certs.read("ca.pem"), certs.read("client.pem"), sec1));
        assertTrue(ec.getMessage().contains("openssl pkcs8"), ec.getMessage());
    }

    @Test
    void pkcs1IsWrappedIntoTheSamePkcs8TheJdkWrites() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        byte[] pkcs8 = g.generateKeyPair().getPrivate().getEncoded();
        // PrivateKeyInfo: SEQUENCE(4-byte header) version(3) algorithm(15) OCTET STRING(4-byte header) RSAPrivateKey
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 4 + 3 + 15 + 4, pkcs8.length);
        assertArrayEquals(pkcs8, PemTls.pkcs1ToPkcs8(pkcs1));
    }
}
