package haystack.itest.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports.Binding;
import haystack.itest.HaystackEnv;
import haystack.itest.HaystackProcess;
import haystack.itest.Ports;
import haystack.testing.BusyboxImage;
import haystack.testing.OpenSsh;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;

/**
 * Issue 15, as users of Registrator + Consul + HAProxy (seeds 001, 003), HighHock + SkyDNS
 * (seed 004) would try it: their containers, with their variables unchanged, run on the
 * real engine beside the exported jar (HAYSTACK_DNS_DOMAINS=service.consul,highhock.local);
 * real dig and curl ask. Containers publish on 127.0.0.1 and are registered there, so all
 * traffic stays on loopback. Every container carries the label {@code haystack.itest=migrate}.
 */
@RequiresDocker
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationTest {

    private static final Pattern STATUS = Pattern.compile("status: (\\w+)");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String LABEL = "haystack.itest";

    private final DockerClient docker = DockerClientFactory.instance().client();
    private final List<String> containers = new ArrayList<>();
    private final List<String> images = new ArrayList<>();
    /** Letters only, so the names of one run never clash with an earlier run's or another test's. */
    private final String run = new java.util.Random().ints(6, 'a', 'z' + 1)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    private Path dir;
    private Path key;
    private HaystackProcess haystack;
    private OpenSsh ssh;
    private int http;
    private int httpAlt;
    private int dns;

    @BeforeAll
    void startHaystack() throws Exception {
        dir = Files.createTempDirectory("migrate");
        key = dir.resolve("operator");
        OpenSsh.keygen(key);
        http = Ports.free();
        httpAlt = Ports.free();
        dns = Ports.free();
        int sshPort = Ports.free();
        Map<String, String> env = HaystackEnv.under(dir).advertise("127.0.0.1").ssh(sshPort, key)
                .port("HTTP", http).port("HTTP_ALT", httpAlt).port("DNS", dns)
                .set("HAYSTACK_DOCKER_PUBLISHED", "true").set("HAYSTACK_DNS_DOMAINS", "service.consul,highhock.local")
                .set("DNS_NAMESERVERS", "127.0.0.1:" + Ports.free()) // nothing listens: outside names fail fast
                .map();
        haystack = new HaystackProcess(Path.of(System.getProperty("java.home")), dir, env);
        haystack.awaitLine(l -> l.contains("ssh listening port=" + sshPort), WAIT);
        haystack.awaitLine(l -> l.contains("docker engine connected"), WAIT);
        ssh = new OpenSsh(sshPort, dir.resolve("known_hosts"));
    }

    @AfterAll
    void stop() throws Exception {
        for (String id : containers) {
            try {
                docker.removeContainerCmd(id).withForce(true).exec();
            } catch (NotFoundException gone) {
                // removed already
            }
        }
        for (String image : images) {
            try {
                docker.removeImageCmd(image).withNoPrune(true).exec();
            } catch (RuntimeException untagged) {
                // already gone
            }
        }
        if (haystack != null) {
            haystack.close();
        }
    }

    /** Seed 003's compose file, translated: serviceA by its alias, serviceB by its bare name, through the balancer. */
    @Test
    @Order(1)
    void seed003DottedNamesAliasesAndBareNames() throws Exception {
        // serviceA: SERVICE_NAME=serviceA.${PROD_LINE}, SERVICE_TAGS=server_alias=serviceA.${PROD_LINE}.example.com, ports: 80
        start("servicea-" + run, Map.of("SERVICE_NAME", "serviceA.prod", "SERVICE_TAGS", "server_alias=serviceA.prod.example.com",
                "SERVICE_B", "http://serviceB.prod:80"), Map.of(), "A", 80);
        // serviceB: SERVICE_NAME=serviceB.${PROD_LINE}, ports: 8080
        start("serviceb-" + run, Map.of("SERVICE_NAME", "serviceB.prod"), Map.of(), "B", 8080);

        assertEquals("A", awaitBody(http, "serviceA.prod.example.com", "/", 200));
        assertEquals("A", awaitBody(http, "serviceA.prod", "/", 200), "the bare name as Host");
        assertEquals("B", awaitBody(http, "serviceB.prod", "/", 200), "SERVICE_B=http://serviceB.prod:80: port 80 serves a service with only http-alt");
        assertEquals("B", awaitBody(httpAlt, "serviceB.prod", "/", 200), "and the alt listener still does");
        assertEquals("B", awaitBody(http, "serviceB.prod.services.haystack", "/", 200));
        assertEquals(404, status(httpAlt, "serviceA.prod", "/"), "serviceA has an http port: 8080 does not serve it");
        assertEquals(List.of("127.0.0.1"), dig("serviceA.prod.services.haystack", "A").answers(), "kept as written, case-insensitive");
        assertEquals(List.of("127.0.0.1"), dig("SERVICEB.PROD.services.haystack", "A").answers());
        assertTrue(haystack.output().lines().noneMatch(l -> l.contains("servicea-prod")), "never renamed servicea-prod");
    }

    /** Seed 001: SERVICE_NAME=hello/v1 SERVICE_TAGS=rest on /hello/v1; its clients ask rest.service.consul. */
    @Test
    @Order(2)
    void seed001RestPathAndConsulName() throws Exception {
        start("hello1-" + run, Map.of("SERVICE_NAME", "hello/v1", "SERVICE_TAGS", "rest"), Map.of(), "hello1", 80);
        assertEquals("hello1", awaitBody(http, "127.0.0.1", "/hello/v1/", 200));
        assertEquals(List.of("127.0.0.1"), awaitDig("rest.service.consul").answers(), "the rest proxy is Haystack's balancer");
        assertEquals(List.of("127.0.0.1"), dig("v1.hello.service.consul", "A").answers());
        DigResult none = dig("nosuchtag.service.consul", "A");
        assertEquals("NXDOMAIN", none.status(), none.raw());
        assertTrue(none.raw().contains("aa"), "authoritative: " + none.raw());
    }

    /** Seed 004: DISCOVER=httpd:80, and the README's DISCOVERY spelling, asked as httpd.highhock.local. */
    @Test
    @Order(3)
    void seed004DiscoverAndDiscoveryAsHighHockNames() throws Exception {
        start("hh-discover-" + run, Map.of("DISCOVER", "hh" + run + ":80"), Map.of(), "discover", 80);
        start("hh-discovery-" + run, Map.of("DISCOVERY", "hh" + run + ":80"), Map.of(), "discovery", 80);
        assertEquals(List.of("127.0.0.1"), awaitDig("hh" + run + ".highhock.local").answers());
        java.util.Set<String> bodies = new java.util.TreeSet<>();
        for (int i = 0; i < 40 && bodies.size() < 2; i++) {
            bodies.add(awaitBody(http, "hh" + run + ".highhock.local", "/", 200));
        }
        assertEquals(java.util.Set.of("discover", "discovery"), bodies, "both spellings register the service");

        start("httpd-" + run, Map.of("DISCOVER", "httpd:80"), Map.of(), "httpd", 80);
        assertEquals(List.of("127.0.0.1"), awaitDig("httpd.highhock.local").answers(), "seed 004's own name");
        String srv = String.join(" ", awaitDig("_http._tcp.httpd.highhock.local", "SRV").answers());
        assertTrue(srv.contains("httpd-" + run + ".containers.haystack"), srv);
    }

    /** Registrator: port names are service names, per-port tags, ignore, and its checks taking an endpoint out and back. */
    @Test
    @Order(4)
    void registratorPortNamesTagsIgnoreAndChecks() throws Exception {
        String api = "api" + run;
        String cache = "cache" + run;
        String reg = "registrator-" + run;
        start(reg, Map.of("SERVICE_80_NAME", api, "SERVICE_80_TAGS", "primary", "SERVICE_6379_NAME", cache,
                "SERVICE_TAGS", "blue", "SERVICE_8080_IGNORE", "true"), Map.of(), "api", 80, 6379, 8080);
        assertEquals("api", awaitBody(http, api + ".services.haystack", "/", 200));
        assertEquals("api", awaitBody(http, api + ".service.consul", "/", 200), "a service domain is routed as a Host too");
        List<String> srv = awaitDig("_redis._tcp." + cache + ".services.haystack", "SRV").answers();
        assertEquals(1, srv.size(), srv.toString());
        assertTrue(srv.get(0).endsWith(" " + reg + ".containers.haystack."), srv.toString());
        assertEquals(List.of("127.0.0.1"), awaitDig("primary." + api + ".service.consul").answers(), "SERVICE_80_TAGS");
        assertEquals(List.of("127.0.0.1"), awaitDig("blue." + cache + ".service.consul").answers(), "SERVICE_TAGS for the other ports");
        assertEquals("NXDOMAIN", dig("blue." + api + ".service.consul", "A").status(), "port 80's own tags replace SERVICE_TAGS");
        assertEquals(1, awaitDig("_" + cache + "._blue.service.consul", "SRV").answers().size(), "RFC 2782 _<service>._<tag>");
        String endpoints = ssh.exec(key, "haystack:endpoints").ok();
        assertEquals(2, endpoints.lines().filter(l -> l.contains(reg)).count(), "80 and 6379; SERVICE_8080_IGNORE: \n" + endpoints);

        String checked = "checked" + run;
        String container = "checked-" + run;
        start(container, Map.of("SERVICE_NAME", checked, "SERVICE_CHECK_HTTP", "/health", "SERVICE_CHECK_INTERVAL", "1s",
                "SERVICE_CHECK_TIMEOUT", "1s"), Map.of(), "checked", 80);
        awaitBody(http, checked + ".services.haystack", "/", 503);
        haystack.awaitLine(l -> l.contains("endpoint unhealthy service=" + checked) && l.contains("GET /health"), WAIT);
        OpenSsh.run(List.of("docker", "exec", container, "sh", "-c", "echo up > /www/health"), null).ok();
        assertEquals("checked", awaitBody(http, checked + ".services.haystack", "/", 200), "a passing check puts it back");
    }

    /** nginx-proxy and Traefik users keep their settings: VIRTUAL_HOST/PORT/PATH and router rules. */
    @Test
    @Order(5)
    void nginxProxyAndTraefikRouting() throws Exception {
        start("vhost-" + run, Map.of("VIRTUAL_HOST", "shop" + run + ".example.com,www.shop" + run + ".example.com", "VIRTUAL_PORT", "3000"),
                Map.of(), "vhost", 3000, 9229);
        assertEquals("vhost", awaitBody(http, "www.shop" + run + ".example.com", "/", 200));
        start("traefik-" + run, Map.of(), Map.of("traefik.http.routers.r.rule", "Host(`t" + run + ".example.com`) || PathPrefix(`/t" + run + "`)",
                "traefik.http.services.s.loadbalancer.server.port", "5000", "traefik.http.routers.r.tls", "true"), "traefik", 5000);
        assertEquals("traefik", awaitBody(http, "t" + run + ".example.com", "/", 200));
        assertEquals("traefik", awaitBody(http, "127.0.0.1", "/t" + run + "/", 200));
        haystack.awaitLine(l -> l.contains("container=traefik-" + run) && l.contains("key=traefik.http.routers.r.tls")
                && l.contains("not used by Haystack"), WAIT);
        start("optout-" + run, Map.of(), Map.of("traefik.enable", "false", "traefik.http.routers.o.rule", "Host(`o" + run + ".example.com`)"),
                "optout", 80);
        Thread.sleep(2000);
        assertEquals(404, status(http, "o" + run + ".example.com", "/"), "traefik.enable=false");
    }

    /**
     * The Consul zone bundle stopped and started over ssh while dig asks: its names go and
     * come back; the services zone answers throughout.
     */
    @Test
    @Order(6)
    void theDomainsBundleStopsAndStartsOverSshWhileDigAsks() throws Exception {
        start("swap-" + run, Map.of("SERVICE_NAME", "swap" + run, "SERVICE_TAGS", "rest"), Map.of(), "swap", 80);
        String consul = "swap" + run + ".service.consul";
        String services = "swap" + run + ".services.haystack";
        assertEquals(List.of("127.0.0.1"), awaitDig(consul).answers());
        String bundle = bundleId(ssh.exec(key, "lb").ok(), "Haystack service domains");

        ssh.exec(key, "stop " + bundle).ok();
        DigResult gone = null;
        for (int i = 0; i < 100; i++) {
            assertEquals(List.of("127.0.0.1"), dig(services, "A").answers(), "the services zone answers throughout");
            gone = dig(consul, "A");
            if (gone.answers().isEmpty()) {
                break;
            }
        }
        assertTrue(gone != null && gone.answers().isEmpty(), "the domain's names went with the bundle: " + gone);
        assertFalse("NOERROR".equals(gone.status()) && gone.raw().contains("flags: qr aa"), "no longer answered authoritatively: " + gone);

        ssh.exec(key, "start " + bundle).ok();
        DigResult back = null;
        for (int i = 0; i < 100; i++) {
            assertEquals(List.of("127.0.0.1"), dig(services, "A").answers(), "the services zone answers throughout");
            back = dig(consul, "A");
            if (back.answers().equals(List.of("127.0.0.1"))) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(List.of("127.0.0.1"), back.answers(), "the names came back: " + back);
        assertEquals(List.of("127.0.0.1"), dig("rest.service.consul", "A").answers());
    }

    /**
     * Registrator's {@code SERVICE_CHECK_TCP} on a port that does not answer: DNS leaves that
     * container out of the service's A and SRV answers (a service without an HTTP port, so
     * clients connect to the endpoints themselves) while its healthy sibling stays, and
     * takes it back once the check passes. The containers are registered at their own
     * addresses: on a published port docker-proxy accepts even when nothing listens behind it.
     */
    @Test
    @Order(7)
    void aFailingCheckTakesTheEndpointOutOfDnsAndAPassBringsItBack() throws Exception {
        String service = "tcpcheck" + run;
        Map<String, String> env = Map.of("SERVICE_NAME", service, "SERVICE_CHECK_TCP", "true", "SERVICE_CHECK_INTERVAL", "1s",
                "SERVICE_CHECK_TIMEOUT", "1s");
        Map<String, String> own = Map.of("haystack.published", "false");
        String healthy = "tcpok-" + run;
        String sick = "tcpsick-" + run;
        startWith(healthy, env, own, "exec httpd -f -p 6379 -h /www", 6379);
        startWith(sick, env, own, "while [ ! -f /tmp/go ]; do sleep 0.2; done; exec httpd -f -p 6379 -h /www", 6379);
        String healthyIp = address(healthy);
        String sickIp = address(sick);
        String name = service + ".services.haystack";

        haystack.awaitLine(l -> l.contains("endpoint unhealthy service=" + service) && l.contains("container=" + sick), WAIT);
        assertEquals(List.of(healthyIp), awaitAnswers(name, "A", 1), "the sibling stays, the failing one is gone");
        List<String> srv = awaitAnswers("_redis._tcp." + name, "SRV", 1);
        assertTrue(srv.get(0).endsWith(" " + healthy + ".containers.haystack."), srv.toString());
        assertEquals(List.of(healthyIp), dig(service + ".service.consul", "A").answers(), "and from every service domain");
        assertTrue(haystack.output().lines().noneMatch(l -> l.contains("endpoint unhealthy service=" + service) && l.contains(healthy)));

        OpenSsh.run(List.of("docker", "exec", sick, "touch", "/tmp/go"), null).ok();
        haystack.awaitLine(l -> l.contains("endpoint healthy service=" + service) && l.contains("container=" + sick), WAIT);
        assertEquals(java.util.Set.of(healthyIp, sickIp), java.util.Set.copyOf(awaitAnswers(name, "A", 2)), "back once the check passes");
        assertEquals(2, awaitAnswers("_redis._tcp." + name, "SRV", 2).size());
    }

    // --- helpers ---

    /** dig until exactly {@code count} answers come (the registry publishes asynchronously). */
    private List<String> awaitAnswers(String name, String type, int count) throws Exception {
        DigResult r = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            r = dig(name, type);
            if (r.answers().size() == count) {
                return r.answers();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("dig " + name + " " + type + " never gave " + count + " answers: " + (r == null ? "" : r.raw()));
    }

    /** The container's address on the default bridge. */
    private String address(String name) {
        return docker.inspectContainerCmd(name).exec().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
    }

    /** A busybox httpd container serving {@code body} on the first port, every port published on 127.0.0.1. */
    private void start(String name, Map<String, String> env, Map<String, String> labels, String body, int... ports) {
        startWith(name, env, labels, "echo " + body + " > /www/index.html && exec httpd -f -p " + ports[0] + " -h /www", ports);
    }

    /** A busybox container running {@code script}, every port published on 127.0.0.1. */
    private void startWith(String name, Map<String, String> env, Map<String, String> labels, String script, int... ports) {
        try {
            docker.removeContainerCmd(name).withForce(true).exec();
        } catch (NotFoundException none) {
            // not left from an earlier run
        }
        List<ExposedPort> exposed = new ArrayList<>();
        List<PortBinding> bindings = new ArrayList<>();
        for (int p : ports) {
            exposed.add(ExposedPort.tcp(p));
            bindings.add(new PortBinding(Binding.bindIp("127.0.0.1"), ExposedPort.tcp(p)));
        }
        Map<String, String> allLabels = new HashMap<>(labels);
        allLabels.put(LABEL, "migrate");
        // an image of its own, named after the container: users of nginx-proxy and Traefik run
        // different images, and an image's basename is its service (SPEC §3)
        String image = name + ":migrate";
        docker.tagImageCmd(docker.inspectImageCmd(BusyboxImage.name()).exec().getId(), name, "migrate").withForce().exec();
        images.add(image);
        String id = docker.createContainerCmd(image).withName(name).withLabels(allLabels)
                .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                .withExposedPorts(exposed).withHostConfig(HostConfig.newHostConfig().withPortBindings(bindings))
                .withCmd("sh", "-c", script)
                .exec().getId();
        containers.add(id);
        docker.startContainerCmd(id).exec();
    }

    /** curl through the balancer until it answers {@code status}; returns the body. */
    private String awaitBody(int port, String host, String path, int status) throws Exception {
        OpenSsh.Result r = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            r = curl(port, host, path);
            String[] lines = r.out().split("\n", -1);
            if (r.status() == 0 && lines.length >= 2 && lines[lines.length - 1].equals(String.valueOf(status))) {
                return String.join("\n", java.util.Arrays.copyOf(lines, lines.length - 1)).strip();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Host: " + host + " " + path + " never answered " + status + "; last: " + r.out() + r.err()
                + "\n" + haystack.output());
    }

    private int status(int port, String host, String path) throws Exception {
        String[] lines = curl(port, host, path).out().split("\n");
        return Integer.parseInt(lines[lines.length - 1].strip());
    }

    private static OpenSsh.Result curl(int port, String host, String path) throws Exception {
        return OpenSsh.run(List.of("curl", "-s", "-m", "5", "-H", "Host: " + host, "-w", "\n%{http_code}",
                "http://127.0.0.1:" + port + path), null);
    }

    record DigResult(String status, List<String> answers, String raw) {
    }

    private DigResult awaitDig(String name) throws Exception {
        return awaitDig(name, "A");
    }

    /** dig until the name has an answer (discovery is asynchronous). */
    private DigResult awaitDig(String name, String type) throws Exception {
        DigResult r = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            r = dig(name, type);
            if (!r.answers().isEmpty()) {
                return r;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("dig " + name + " " + type + " never answered: " + (r == null ? "" : r.raw()));
    }

    /** One query with dig, one try of one second: the status (null when nothing answered) and the answers' data. */
    private DigResult dig(String name, String type) throws Exception {
        OpenSsh.Result r = OpenSsh.run(List.of("dig", "@127.0.0.1", "-p", String.valueOf(dns), "+time=1", "+tries=1",
                "+noall", "+comments", "+answer", name, type), null);
        Matcher status = STATUS.matcher(r.out());
        List<String> answers = r.out().lines().filter(l -> !l.startsWith(";") && !l.isBlank())
                .map(l -> l.split("\\s+", 5)).filter(f -> f.length == 5 && f[3].equals(type)).map(f -> f[4]).toList();
        return new DigResult(status.find() ? status.group(1) : null, answers, r.out());
    }

    private static String bundleId(String lb, String name) {
        return lb.lines().filter(l -> l.contains("|" + name + " ")).map(l -> l.split("\\|")[0].strip()).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + name + " in\n" + lb));
    }

}
