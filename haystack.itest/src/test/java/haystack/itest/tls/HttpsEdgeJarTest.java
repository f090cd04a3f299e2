package haystack.itest.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import haystack.itest.HaystackEnv;
import haystack.itest.HaystackProcess;
import haystack.testing.HttpdContainer;
import haystack.testing.OpenSsh;
import haystack.testing.OpenSsl;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What HttpsJarTest leaves to a Docker engine, an SSH client and the admin port, in one start
 * of the exported jar (SPEC §5b): a container labelled {@code haystack.tls.redirect=true}
 * gets 308 to HTTPS on port 80 (curl follows it and checks the chain) while a service
 * without the label stays plain; {@code haystack:certs} over the real OpenSSH client; the
 * dashboard's certificate panel data from the real store.
 */
@RequiresDocker
class HttpsEdgeJarTest {

    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final String SECURE = "secure.services.haystack";
    private static final String PLAIN = "plain.services.haystack";

    @Test
    void redirectCertsOverSshAndTheDashboardsCertificates(@TempDir Path dir) throws Exception {
        OpenSsl ca = new OpenSsl(dir.resolve("ca"));
        Path tls = Files.createDirectories(dir.resolve("tls"));
        Path[] secure = ca.leaf("secure", "ec", 30, SECURE, "www." + SECURE);
        Files.move(secure[1], tls.resolve("secure.key"));
        Files.move(secure[0], tls.resolve("secure.crt"));
        Path key = dir.resolve("operator");
        OpenSsh.keygen(key, "ed25519");

        HttpdContainer web = new HttpdContainer("secure-backend").withLabel("haystack.service", "secure")
                .withLabel("haystack.tls.redirect", "true");
        web.start();
        try {
            Path services = Files.createDirectory(dir.resolve("services"));
            // the same backend without the label, from a service file: not redirected
            Files.writeString(services.resolve("plain.yaml"), "endpoints:\n  - 127.0.0.1:" + web.getFirstMappedPort() + "\n");
            Map<String, String> env = HaystackEnv.under(dir).loopback().authorize(key)
                    .set("HAYSTACK_SERVICES_DIR", services.toString()).set("HAYSTACK_DOCKER_PUBLISHED", "true").map();
            try (HaystackProcess haystack = new HaystackProcess(JAVA_HOME, dir, env)) {
                int https = haystack.listenedPort("listener=https port=");
                int http = haystack.listenedPort("listener=http port=");
                int admin = haystack.listenedPort("listener=admin port=");
                int ssh = haystack.listenedPort("ssh listening port=");
                haystack.awaitLine(l -> l.contains("file service loaded service=plain"), Duration.ofSeconds(60));
                awaitRouted(http, PLAIN);
                awaitRouted(http, SECURE);

                // 308 to the same host and target over HTTPS, on the HTTPS port
                String redirected = get(http, SECURE, "/index.html?q=1");
                assertTrue(redirected.startsWith("HTTP/1.1 308 "), redirected);
                assertTrue(redirected.contains("\r\nLocation: https://" + SECURE + ":" + https + "/index.html?q=1\r\n"), redirected);
                // curl follows it, checks the chain to our CA and gets the container's page
                OpenSsl.Result followed = OpenSsl.run(List.of("curl", "-sS", "-L", "--max-time", "10", "--cacert", ca.caCert.toString(),
                        "--resolve", SECURE + ":" + http + ":127.0.0.1", "--resolve", SECURE + ":" + https + ":127.0.0.1",
                        "-w", "\n%{http_code} %{num_redirects} %{url_effective}", "http://" + SECURE + ":" + http + "/"), null);
                assertTrue(followed.out().contains("secure-backend\n\n200 1 https://" + SECURE + ":" + https + "/"), followed.out());
                // a challenge token no challenge service knows is routed as any request (README): redirected
                // too (known tokens are answered before routing: AcmeTest); a service without the label is not
                String token = get(http, SECURE, "/.well-known/acme-challenge/unknown-token_1");
                assertTrue(token.startsWith("HTTP/1.1 308 "), token);
                String plain = get(http, PLAIN, "/");
                assertTrue(plain.startsWith("HTTP/1.1 200 ") && plain.contains("secure-backend"), plain);

                // haystack:certs over the real OpenSSH client with an Ed25519 key
                OpenSsh console = new OpenSsh(ssh, dir.resolve("known_hosts"));
                String certs = console.exec(key, "haystack:certs").ok();
                assertTrue(Pattern.compile("(?m)^secure +dir +" + Pattern.quote(SECURE + ",www." + SECURE) + " .* (29|30) +EC *$")
                        .matcher(certs).find(), certs);
                assertTrue(Pattern.compile("(?m)^default +generated ").matcher(certs).find(), certs);
                assertTrue(certs.strip().endsWith("2 certificates"), certs);
                assertTrue(console.exec(key, "haystack:certs www." + SECURE).ok().contains("secure "));
                OpenSsh.Result unknown = console.exec(key, "haystack:certs nobody.example.test");
                assertEquals(1, unknown.status(), unknown.out() + unknown.err());
                assertTrue(unknown.err().contains("no certificate serves 'nobody.example.test'"), unknown.err());

                // the dashboard's certificate panel: its data in the state event of /api/events
                String events = curlEvents(admin);
                assertTrue(Pattern.compile("\"certificates\":\\[[^\\]]*\\{\"name\":\"secure\",\"source\":\"dir\",\"notAfter\":\\d+,"
                        + "\"daysLeft\":(29|30),\"dnsNames\":\\[\"" + SECURE + "\",\"www." + SECURE + "\"\\]\\}").matcher(events).find(), events);
                assertTrue(events.contains("{\"name\":\"default\",\"source\":\"generated\""), events);
                assertFalse(haystack.lines().stream().anyMatch(l -> l.contains("Exception") || l.contains("[ERROR]")), haystack.output());
            }
        } finally {
            web.stop();
        }
    }

    /** Waits (bounded) until the balancer routes {@code host}: anything but its 404 for an unknown host. */
    private static void awaitRouted(int port, String host) throws Exception {
        String last = "";
        for (int i = 0; i < 150; i++) {
            last = get(port, host, "/");
            if (!last.startsWith("HTTP/1.1 404 ") && !last.startsWith("HTTP/1.1 502 ") && !last.startsWith("HTTP/1.1 503 ")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(host + " never routed; last answer:\n" + last);
    }

    /** One plain HTTP GET through the balancer with this Host: the whole response. */
    private static String get(int port, String host, String target) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** What curl reads of the dashboard's event stream in two seconds. */
    private static String curlEvents(int port) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-N", "--max-time", "2", "http://127.0.0.1:" + port + "/api/events"));
        Process curl = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
        return out;
    }
}
