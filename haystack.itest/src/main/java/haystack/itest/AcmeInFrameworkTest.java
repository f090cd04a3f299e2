package haystack.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import haystack.api.lb.RoutedHosts;
import haystack.api.tls.CertificateStore;
import haystack.api.tls.HttpChallenges;
import haystack.api.tls.ServedCertificate;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * haystack.acme inside Felix, where acme4j and jose4j live embedded in its bundle: with the
 * routed hosts and certificate store offered by this test (ranked above any load
 * balancer's), it orders from a real pebble, whose validator resolves every name to
 * 127.0.0.1 (dnsmasq) and fetches the token from a small HTTP server here that asks the
 * framework's {@link HttpChallenges} services, as the load balancer does.
 */
class AcmeInFrameworkTest {

    private static final String HOST = "inframework.haystack";
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @InjectBundleContext
    BundleContext context;

    /** Keeps what the ACME bundle publishes; matches exact names only. */
    static final class CapturingStore implements CertificateStore {
        final Map<String, List<ServedCertificate>> bySource = new ConcurrentHashMap<>();

        @Override
        public void replace(String source, Collection<ServedCertificate> certificates) {
            bySource.put(source, List.copyOf(certificates));
        }

        @Override
        public List<ServedCertificate> certificates() {
            List<ServedCertificate> all = new ArrayList<>();
            bySource.values().forEach(all::addAll);
            return all;
        }

        @Override
        public Optional<ServedCertificate> match(String host, String source) {
            return certificates().stream().filter(c -> source == null || c.source().equals(source)).filter(c -> c.dnsNames().contains(host)).findFirst();
        }
    }

    @Test
    void ordersFromPebbleAndPublishesToTheStore(@InjectService ConfigurationAdmin admin) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/pebble"))) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI needs pebble (apt-get install pebble)");
            }
            System.out.println("SKIPPED AcmeInFrameworkTest: no /usr/bin/pebble");
            return;
        }
        Path dir = Files.createTempDirectory("haystack-acme-itest");
        List<AutoCloseable> cleanup = new ArrayList<>();
        Configuration configuration = admin.getConfiguration("haystack.acme", "?");
        Dictionary<String, Object> before = configuration.getProperties();
        try {
            ServerSocket http = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            cleanup.add(http);
            Thread server = new Thread(() -> serveChallenges(http), "itest-acme-http");
            server.setDaemon(true);
            server.start();

            int dnsPort = freeUdpAndTcp();
            Process dns = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--port=" + dnsPort, "--listen-address=127.0.0.1", "--bind-interfaces",
                    "--no-resolv", "--no-hosts", "--address=/#/127.0.0.1", "--conf-file=/dev/null", "--pid-file=")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dnsmasq.log").toFile()).start();
            cleanup.add(dns::destroyForcibly);

            Path cert = dir.resolve("pebble-cert.pem");
            Path key = dir.resolve("pebble-key.pem");
            Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1").redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
            assertTrue(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl made pebble's certificate");
            int acmePort = freeTcp();
            Files.writeString(dir.resolve("pebble.json"), "{\"pebble\":{\"listenAddress\":\"127.0.0.1:" + acmePort + "\",\"managementListenAddress\":\"127.0.0.1:"
                    + freeTcp() + "\",\"certificate\":\"" + cert + "\",\"privateKey\":\"" + key + "\",\"httpPort\":" + http.getLocalPort()
                    + ",\"tlsPort\":" + freeTcp() + ",\"ocspResponderURL\":\"\",\"externalAccountBindingRequired\":false}}");
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/pebble", "-config", dir.resolve("pebble.json").toString(), "-dnsserver", "127.0.0.1:" + dnsPort)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("pebble.log").toFile());
            pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
            pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
            Process pebble = pb.start();
            cleanup.add(pebble::destroyForcibly);
            awaitListening(acmePort, pebble, dir);

            CapturingStore store = new CapturingStore();
            Hashtable<String, Object> top = new Hashtable<>(Map.of(Constants.SERVICE_RANKING, Integer.MAX_VALUE));
            ServiceRegistration<CertificateStore> s = context.registerService(CertificateStore.class, store, top);
            cleanup.add(s::unregister);
            ServiceRegistration<RoutedHosts> r = context.registerService(RoutedHosts.class, () -> Set.of(HOST), top);
            cleanup.add(r::unregister);

            Hashtable<String, Object> acme = new Hashtable<>();
            acme.put("directory", "https://127.0.0.1:" + acmePort + "/dir");
            acme.put("ca", cert.toString());
            acme.put("data", dir.resolve("data").toString());
            acme.put("retry.min", 1000);
            acme.put("timeout", 20_000);
            configuration.update(acme);

            long deadline = System.nanoTime() + WITHIN.toNanos();
            while (store.match(HOST, "acme").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            ServedCertificate issued = store.match(HOST, "acme").orElseThrow(() -> new AssertionError("no certificate within " + WITHIN + "; pebble:\n" + tail(dir.resolve("pebble.log"))));
            assertEquals(List.of(HOST), issued.dnsNames());
            assertTrue(issued.chain().size() >= 2, "leaf and pebble's intermediate");
            issued.leaf().verify(issued.chain().get(1).getPublicKey());
            assertTrue(issued.chain().get(1).getSubjectX500Principal().getName().contains("Pebble"), issued.chain().get(1).getSubjectX500Principal().getName());
            assertTrue(Files.isRegularFile(dir.resolve("data/acme/" + HOST + ".pem")), "stored");
        } finally {
            if (before != null) {
                configuration.update(before);
            }
            for (int i = cleanup.size() - 1; i >= 0; i--) {
                try {
                    cleanup.get(i).close();
                } catch (Exception e) {
                    // best effort
                }
            }
        }
    }

    /** Enough HTTP/1.1 for pebble's validator: one GET per connection, answered from the HttpChallenges services. */
    private void serveChallenges(ServerSocket http) {
        while (!http.isClosed()) {
            try (Socket c = http.accept()) {
                c.setSoTimeout(5000);
                InputStream in = c.getInputStream();
                StringBuilder head = new StringBuilder();
                int b;
                while (head.length() < 8192 && (b = in.read()) != -1) {
                    head.append((char) b);
                    if (head.toString().endsWith("\r\n\r\n")) {
                        break;
                    }
                }
                String path = head.toString().split(" ", 3).length > 1 ? head.toString().split(" ", 3)[1] : "";
                String prefix = "/.well-known/acme-challenge/";
                Optional<String> answer = Optional.empty();
                if (path.startsWith(prefix)) {
                    for (ServiceReference<HttpChallenges> ref : context.getServiceReferences(HttpChallenges.class, null)) {
                        HttpChallenges challenges = context.getService(ref);
                        try {
                            answer = challenges == null ? Optional.empty() : challenges.keyAuthorization(path.substring(prefix.length()));
                        } finally {
                            context.ungetService(ref);
                        }
                        if (answer.isPresent()) {
                            break;
                        }
                    }
                }
                byte[] body = answer.orElse("").getBytes(StandardCharsets.US_ASCII);
                OutputStream out = c.getOutputStream();
                out.write(((answer.isPresent() ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found") + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } catch (Exception e) {
                // next connection; a closed server socket ends the loop
            }
        }
    }

    private static void awaitListening(int port, Process process, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("pebble exited: " + tail(dir.resolve("pebble.log")));
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("pebble not listening: " + tail(dir.resolve("pebble.log")));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freeTcp() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpAndTcp() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                int candidate = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                    return candidate;
                } catch (IOException taken) {
                    // another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP");
    }
}
