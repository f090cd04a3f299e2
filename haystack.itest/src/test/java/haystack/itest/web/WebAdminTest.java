package haystack.itest.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import haystack.itest.HaystackEnv;
import haystack.itest.HaystackProcess;
import haystack.itest.Ports;
import haystack.testing.HttpdContainer;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

/**
 * The admin port of the exported jar against the real Docker engine: the JSON API and
 * /metrics follow a container started during the test, requests through the balancer and
 * DNS queries move the counters, basic auth guards every path, and the dashboard in a real
 * headless Chromium shows the new container without a reload and logs no error.
 */
@RequiresDocker
class WebAdminTest {

    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final String PASSWORD = "pw-7f3a9c-secret";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A running Haystack and the ports it bound. */
    private record Running(HaystackProcess process, int admin, int http, int dns) {
    }

    private Running start(Path dir, Map<String, String> extra) throws Exception {
        Map<String, String> env = HaystackEnv.under(dir).loopback().set("HAYSTACK_DOCKER_PUBLISHED", "true").setAll(extra).map();
        HaystackProcess p = new HaystackProcess(JAVA_HOME, dir, env);
        try {
            int admin = p.listenedPort("listener=admin port=");
            int httpPort = p.listenedPort("listener=http port=");
            // the port of the server that started: with port 0 a first UDP port may be given up
            // when its TCP twin is taken, after its "dns listening" line
            int dns = p.listenedPort("dns server started");
            p.awaitLine(l -> l.contains("docker engine connected"), Duration.ofSeconds(30));
            return new Running(p, admin, httpPort, dns);
        } catch (Exception | AssertionError e) {
            p.close();
            throw e;
        }
    }


    private HttpResponse<String> get(int port, String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String body(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(port, path, null);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    /** Polls {@code path} (bounded) until its body satisfies {@code ok}; returns that body. */
    private String await(int port, String path, Predicate<String> ok, String what) throws Exception {
        String last = "";
        for (int i = 0; i < 150; i++) {
            last = body(port, path);
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " never seen at " + path + "; last body:\n" + last);
    }

    /** The sum of group 1 over every line matching {@code regex}. */
    private static long sum(String text, String regex) {
        return Pattern.compile(regex).matcher(text).results().mapToLong(r -> Long.parseLong(r.group(1))).sum();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void apiAndMetricsFollowARealContainerAndItsTraffic(@TempDir Path dir) throws Exception {
        Running h = start(dir, Map.of("HAYSTACK_ACCESS_LOG", "true"));
        HttpdContainer web = new HttpdContainer("web-admin-one").withLabel("haystack.service", "admintest");
        try (HaystackProcess p = h.process()) {
            assertTrue(body(h.admin(), "/api/info").contains("\"connected\":true"), "docker host connected");
            assertTrue(body(h.admin(), "/api/info").contains("{\"kind\":\"docker\",\"host\":\"unix:///var/run/docker.sock\",\"connected\":true}"));
            // a stream read with curl until it is cut; what follows is read again from its last id
            String before = curlEvents(h.admin(), null);
            assertTrue(hasEvent(before, "state"), before);
            String lastId = lastId(before);
            web.start();
            String services = await(h.admin(), "/api/services", b -> b.contains("\"name\":\"admintest\""), "service admintest");
            String endpoints = body(h.admin(), "/api/endpoints?service=admintest");
            // one endpoint, though the engine publishes the port for IPv4 and IPv6
            int count = (int) Pattern.compile("\"service\":\"admintest\"").matcher(endpoints).results().count();
            assertEquals(1, count, endpoints);
            assertTrue(services.contains("\"endpoints\":" + count + ",\"available\":" + count), services);
            assertTrue(endpoints.contains("\"address\":\"127.0.0.1\",\"port\":" + web.getFirstMappedPort()), endpoints);
            assertFalse(body(h.admin(), "/api/endpoints?service=nothing-here").contains("\"id\""));
            assertEquals(400, get(h.admin(), "/api/endpoints?service=", null).statusCode());
            assertEquals(404, get(h.admin(), "/api/nothing", null).statusCode());
            assertEquals(405, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.admin() + "/api/services"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertTrue(body(h.admin(), "/api/containers").contains("\"services\":[\"admintest\"]"));
            assertTrue(body(h.admin(), "/api/networks").contains("\"name\":\"\",\"published\":true"));
            assertTrue(body(h.admin(), "/api/strategies").contains("\"round-robin\""));
            assertTrue(body(h.admin(), "/api/changes?since=0").contains("\"kind\":\"added\",\"service\":\"admintest\""));

            String metrics = body(h.admin(), "/metrics");
            assertTrue(metrics.contains("haystack_endpoints{service=\"admintest\",health=\"unknown\"} " + count), metrics);
            assertTrue(metrics.contains("haystack_endpoints_available{service=\"admintest\"} " + count), metrics);
            assertTrue(metrics.contains("haystack_docker_connected{host=\"unix:///var/run/docker.sock\"} 1"), metrics);
            assertTrue(Pattern.compile("haystack_docker_events_total\\{host=\"unix:///var/run/docker.sock\"} [1-9]").matcher(metrics).find(), metrics);

            for (int i = 0; i < 7; i++) {
                String response = proxyGet(h.http(), "admintest.services.haystack");
                assertTrue(response.startsWith("HTTP/1.1 200") && response.endsWith("\r\n\r\nweb-admin-one\n"), response);
            }
            dnsQuery(h.dns(), "admintest.services.haystack");
            metrics = await(h.admin(), "/metrics", b -> b.contains("haystack_dns_queries_total{type=\"A\",rcode=\"NOERROR\"} 1"), "dns query counted");
            assertEquals(7, sum(metrics, "haystack_http_requests_total\\{service=\"admintest\",endpoint=\"127\\.0\\.0\\.1:\\d+\",code=\"2xx\"} (\\d+)"), metrics);
            assertTrue(metrics.contains("haystack_http_request_duration_seconds_count{service=\"admintest\"} 7"), metrics);
            assertTrue(metrics.contains("# TYPE haystack_http_request_duration_seconds histogram"), metrics);
            assertTrue(metrics.contains("haystack_dns_query_duration_seconds_count 1"), metrics);
            assertTrue(body(h.admin(), "/api/stats").contains("\"requestsByService\":{\"admintest\":7}"));

            String access = p.awaitLine(l -> l.contains("access time=") && l.contains("service=admintest"), Duration.ofSeconds(10));
            assertTrue(access.contains("client=127.0.0.1") && access.contains("host=admintest.services.haystack")
                    && access.contains("endpoint=127.0.0.1:") && access.contains("status=200") && access.contains("bytes=14")
                    && access.contains("durationMs="), access);
            assertEquals(7, p.lines().stream().filter(l -> l.contains("access time=") && l.contains("service=admintest")).count());

            web.stop();
            await(h.admin(), "/api/services", b -> !b.contains("\"name\":\"admintest\""), "service admintest gone");
            assertTrue(body(h.admin(), "/api/changes?since=0").contains("\"kind\":\"removed\",\"service\":\"admintest\""));
            // resumed with Last-Event-ID: the container's coming and going, numbered on from the last id, no full state
            String resumed = curlEvents(h.admin(), lastId);
            assertFalse(hasEvent(resumed, "state"), resumed);
            assertFalse(hasEvent(resumed, "resync"), resumed);
            List<Long> ids = Pattern.compile("(?m)^id: ?\\S+-(\\d+)$").matcher(resumed).results().map(r -> Long.parseLong(r.group(1))).toList();
            assertFalse(ids.isEmpty(), resumed);
            long from = Long.parseLong(lastId.substring(lastId.lastIndexOf('-') + 1));
            for (int i = 0; i < ids.size(); i++) {
                assertEquals(from + 1 + i, ids.get(i), "no event lost or repeated: " + ids);
            }
            assertTrue(resumed.contains("\"kind\":\"added\",\"service\":\"admintest\""), resumed);
            assertTrue(resumed.contains("\"kind\":\"removed\",\"service\":\"admintest\""), resumed);
        } finally {
            web.stop();
        }
    }

    @Test
    void basicAuthGuardsEveryPathAndThePasswordIsNeverShown(@TempDir Path dir) throws Exception {
        Running h = start(dir, Map.of("HAYSTACK_ADMIN_USER", "admin", "HAYSTACK_ADMIN_PASSWORD", PASSWORD));
        try (HaystackProcess p = h.process()) {
            for (String path : new String[] {"/", "/app.js", "/api/services", "/api/info", "/metrics", "/nothing"}) {
                HttpResponse<String> none = get(h.admin(), path, null);
                assertEquals(401, none.statusCode(), path);
                assertEquals("Basic realm=\"Haystack\", charset=\"UTF-8\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
                assertEquals(401, get(h.admin(), path, basic("admin", "wrong")).statusCode(), path);
                assertEquals(401, get(h.admin(), path, basic("root", PASSWORD)).statusCode(), path);
                assertEquals(401, get(h.admin(), path, "Bearer " + PASSWORD).statusCode(), path);
            }
            String auth = basic("admin", PASSWORD);
            for (String path : new String[] {"/", "/app.js", "/api/services", "/api/info", "/api/strategies", "/metrics"}) {
                HttpResponse<String> ok = get(h.admin(), path, auth);
                assertEquals(200, ok.statusCode(), path);
                assertFalse(ok.body().contains(PASSWORD), path + " shows the password");
            }
            assertTrue(p.lines().stream().anyMatch(l -> l.contains("listener=admin") && l.contains("bind=127.0.0.1 auth=basic user=admin")));
            assertFalse(p.output().contains(PASSWORD), "the password is in the log");
        }
    }

    @Test
    void authWithoutPasswordIsRefusedAtStart(@TempDir Path dir) throws Exception {
        Map<String, String> env = new HashMap<>(Ports.allFree(dir));
        env.put("HAYSTACK_ADMIN_USER", "admin");
        try (HaystackProcess p = new HaystackProcess(JAVA_HOME, dir, env)) {
            assertEquals(78, p.awaitExit(Duration.ofSeconds(60)), p.output());
            assertTrue(p.output().contains("HAYSTACK_ADMIN_PASSWORD='' is not allowed; expected a password when HAYSTACK_ADMIN_USER is set"),
                    p.output());
        }
    }

    @Test
    void dashboardFollowsEventsThroughContainersAFileServiceAndARestart(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(HeadlessChromium.BINARY)) {
            throw new AssertionError("chromium is not installed at " + HeadlessChromium.BINARY + " (apt-get install -y chromium)");
        }
        Path services = Files.createDirectory(dir.resolve("services"));
        com.sun.net.httpserver.HttpServer backend = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        backend.createContext("/", exchange -> {
            byte[] ok = "file-backend".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        backend.start();
        writeAtomically(services.resolve("filedash.yaml"), "endpoints:\n  - 127.0.0.1:" + backend.getAddress().getPort() + "\n");
        // the admin port is fixed, so the page's stream finds the restarted server at the same address
        Map<String, String> env = Map.of("HAYSTACK_SERVICES_DIR", services.toString(), "HAYSTACK_ADMIN_PORT", String.valueOf(Ports.free()));
        HttpdContainer web = new HttpdContainer("web-dash-one").withLabel("haystack.service", "dashtest");
        GenericContainer<?> sick = sickContainer();
        Running h = start(dir, env);
        HaystackProcess restarted = null;
        try (HeadlessChromium chrome = new HeadlessChromium(1280, 900)) {
            chrome.navigate("http://127.0.0.1:" + h.admin() + "/");
            awaitPage(chrome, "document.getElementById('status').textContent === 'live'", "the stream open");
            awaitPage(chrome, SERVICE.formatted("filedash"), "the file service");
            assertFalse(chrome.eval("document.getElementById('services').innerText").contains("dashtest"));
            String loads = chrome.eval("performance.getEntriesByType('navigation').length");

            // traffic through the balancer: the server's samples become charts
            for (int i = 0; i < 20; i++) {
                assertTrue(proxyGet(h.http(), "filedash.services.haystack").contains("file-backend"));
            }
            awaitPage(chrome, "document.querySelectorAll('" + SEL.formatted("filedash") + " svg.spark polyline').length === 4"
                    + " && [...document.querySelectorAll('" + SEL.formatted("filedash") + " svg.spark polyline')].every(p => p.getAttribute('points').length > 0)",
                    "four charts of filedash drawn");
            String rate = chrome.eval("document.querySelector('" + SEL.formatted("filedash") + " .chart b').textContent");
            assertTrue(Double.parseDouble(rate) >= 0, rate);

            chrome.screenshot(Path.of("target/dashboard-charts.png"));
            // started on another thread: Testcontainers' start() returns only after its own HTTP wait
            java.util.concurrent.CompletableFuture<Void> starting = java.util.concurrent.CompletableFuture.runAsync(web::start);
            awaitPage(chrome, SERVICE.formatted("dashtest"), "row of dashtest");
            java.time.Instant shown = java.time.Instant.now();
            starting.get(60, java.util.concurrent.TimeUnit.SECONDS);
            java.time.Instant started = java.time.Instant.parse(web.getContainerInfo().getState().getStartedAt());
            long shownMs = Duration.between(started, shown).toMillis();
            System.out.println("dashboard showed dashtest " + shownMs + " ms after Docker's StartedAt (page polled every 200 ms)");
            assertTrue(shownMs < 10_000, "upper bound only: " + shownMs + " ms");
            String row = chrome.eval("document.querySelector('" + SEL.formatted("dashtest") + "').innerText");
            assertTrue(row.contains("127.0.0.1:" + web.getFirstMappedPort()), row);
            assertTrue(row.contains("strategy round-robin"), "the strategy's real name: " + row);
            awaitPage(chrome, "document.getElementById('changes').innerText.includes('added dashtest')", "feed entry");
            assertTrue(chrome.eval("document.getElementById('sources').innerText").contains("unix:///var/run/docker.sock"));

            // a container whose Docker health check starts failing turns red with the reason
            sick.start();
            awaitPage(chrome, "!!document.querySelector('" + SEL.formatted("dashsick") + " .ep.ok')", "dashsick healthy");
            awaitPage(chrome, "!!document.querySelector('" + SEL.formatted("dashsick") + " .ep.down')", "dashsick unhealthy");
            String sickRow = chrome.eval("document.querySelector('" + SEL.formatted("dashsick") + " .ep.down').innerText");
            assertTrue(sickRow.contains("Docker health check: unhealthy"), sickRow);
            assertEquals("rgb(187, 0, 0)", chrome.eval("getComputedStyle(document.querySelector('" + SEL.formatted("dashsick") + " .ep.down')).color"));
            awaitPage(chrome, "document.getElementById('changes').innerText.includes('healthy \u2192 unhealthy')", "health line in the feed");

            // the file service goes away
            Files.delete(services.resolve("filedash.yaml"));
            awaitPage(chrome, "!" + SERVICE.formatted("filedash"), "filedash gone");
            awaitPage(chrome, "document.getElementById('changes').innerText.includes('removed filedash')", "feed: filedash removed");
            assertEquals(loads, chrome.eval("performance.getEntriesByType('navigation').length"), "no reload");
            assertEquals(List.of(), chrome.errors(), "console errors");

            // the search box narrows the list
            chrome.eval("(() => { const s = document.getElementById('search'); s.value = 'no-such-service'; s.dispatchEvent(new Event('input')); })()");
            assertEquals("0", chrome.eval("[...document.querySelectorAll('#services .svc')].filter(n => n.style.display !== 'none').length"));
            chrome.eval("(() => { const s = document.getElementById('search'); s.value = 'dash'; s.dispatchEvent(new Event('input')); })()");
            assertEquals("2", chrome.eval("[...document.querySelectorAll('#services .svc')].filter(n => n.style.display !== 'none').length"));

            // the server goes away and comes back: the stream reconnects, resyncs, and the
            // restart's initial sync is one line, not an "added" line per running container
            h.process().close();
            awaitPage(chrome, "document.getElementById('status').textContent === 'reconnecting'", "the stream lost");
            restarted = start(dir, env).process();
            awaitPage(chrome, "document.getElementById('changes').innerText.includes('events were missed')", "resync after the restart");
            awaitPage(chrome, "document.getElementById('status').textContent === 'live'", "the stream back");
            awaitPage(chrome, SERVICE.formatted("dashtest"), "dashtest after the restart");
            assertEquals("1", chrome.eval("[...document.querySelectorAll('#changes li')].filter(li => li.textContent.includes('added dashtest')).length"),
                    "no added line for a container that was running before the restart");
            web.stop();
            awaitPage(chrome, "!" + SERVICE.formatted("dashtest"), "dashtest gone after the restart");
            assertEquals(loads, chrome.eval("performance.getEntriesByType('navigation').length"), "no reload");
            awaitPage(chrome, "!!document.querySelector('#sources .up')", "the Docker host connected again");
            chrome.screenshot(Path.of("target/dashboard.png"));
            assertTrue(Files.size(Path.of("target/dashboard.png")) > 1000);
            // while the server was down the browser's reconnects failed; nothing else may be an error
            assertEquals(List.of(), chrome.errors().stream().filter(e -> !e.contains("api/events")).toList(), "console errors");
        } finally {
            web.stop();
            sick.stop();
            backend.stop(0);
            if (restarted != null) {
                restarted.close();
            }
            h.process().close();
        }
    }

    /** What curl reads of /api/events in two seconds (it then cuts the stream, as a lost connection would). */
    private static String curlEvents(int port, String lastEventId) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "-N", "--max-time", "2"));
        if (lastEventId != null) {
            cmd.addAll(List.of("-H", "Last-Event-ID: " + lastEventId));
        }
        cmd.add("http://127.0.0.1:" + port + "/api/events");
        Process curl = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(28, curl.exitValue(), "curl ends at --max-time: " + out); // 28: operation timed out
        return out;
    }

    private static boolean hasEvent(String events, String name) {
        return Pattern.compile("(?m)^event: ?" + name + "$").matcher(events).find();
    }

    private static String lastId(String events) {
        Matcher m = Pattern.compile("(?m)^id: ?(\\S+)$").matcher(events);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        assertTrue(last != null, events);
        return last;
    }

    private static final String SEL = "#services .svc[data-service=\"%s\"]";
    private static final String SERVICE = "!!document.querySelector('" + SEL + "')";

    /** A busybox httpd whose Docker health check passes for its first six seconds, then fails for good. */
    private static GenericContainer<?> sickContainer() {
        return new GenericContainer<>(haystack.testing.BusyboxImage.name()).withExposedPorts(80).withLabel("haystack.service", "dashsick")
                .withCommand("sh", "-c", "echo ok > /www/index.html && echo ok > /www/health && (sleep 6; rm /www/health) & exec httpd -f -p 80 -h /www")
                .withCreateContainerCmdModifier(cmd -> cmd.withHealthcheck(new com.github.dockerjava.api.model.HealthCheck()
                        .withTest(List.of("CMD", "/bin/wget", "-q", "-O", "/dev/null", "http://127.0.0.1/health"))
                        .withInterval(1_000_000_000L).withTimeout(1_000_000_000L).withRetries(1)))
                .waitingFor(org.testcontainers.containers.wait.strategy.Wait.forHttp("/").forPort(80).withStartupTimeout(Duration.ofSeconds(30)));
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void awaitPage(HeadlessChromium chrome, String condition, String what) throws InterruptedException {
        for (int i = 0; i < 150; i++) {
            // before the page has loaded the condition's elements may not exist yet
            if ("true".equals(chrome.eval("(() => { try { return " + condition + "; } catch (e) { return false; } })()"))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " never seen on the page; body:\n" + chrome.eval("document.body.innerText") + "\nerrors: " + chrome.errors());
    }

    /** One GET / through the balancer with this Host (the JDK's HttpClient may not set Host). */
    private static String proxyGet(int port, String host) throws IOException {
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** One A query over UDP, built by hand; the answer is read only to know it came. */
    private static void dnsQuery(int port, String name) throws IOException {
        java.io.ByteArrayOutputStream q = new java.io.ByteArrayOutputStream();
        q.writeBytes(new byte[] {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            q.write(label.length());
            q.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        q.writeBytes(new byte[] {0, 0, 1, 0, 1});
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(5000);
            byte[] query = q.toByteArray();
            s.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket answer = new DatagramPacket(new byte[1500], 1500);
            s.receive(answer);
            assertEquals(0x34, answer.getData()[1], "answer to our query");
            assertEquals(0, answer.getData()[3] & 0x0F, "NOERROR");
        }
    }
}
