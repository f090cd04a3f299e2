package haystack.itest.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.github.dockerjava.api.DockerClient;
import haystack.testing.OpenSsh;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testcontainers.DockerClientFactory;

/**
 * Seed 000 (the original Haystack README) replayed step by step against the real engine,
 * once with {@code java -jar haystack.jar} on the host and once with Haystack's own
 * container image: a pool of nginx containers and a web group, a busybox client using
 * Haystack as its DNS, nslookup and wget through the load balancer, httpd, jenkins on the
 * alt-HTTP port (and on 80, having no http port), the name gone with the last container, trace over SSH, and an orderly stop.
 * Needs ports 53, 80, 8080 and 22022 free on this host.
 */
@RequiresDocker
class SeedWalkthroughTest {

    private static final Set<String> POOL = Set.of("a", "b", "c", "d");
    private static final Set<String> WEB = Set.of("web-001", "web-002");
    private static final int ATTEMPTS = 150;

    enum Way {
        JAR, IMAGE
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Way.class)
    void theOriginalReadmeWorksAsWritten(Way way) throws Exception {
        DockerClient docker = DockerClientFactory.instance().client();
        Path key = dir.resolve("operator");
        OpenSsh.keygen(key);
        String authorized = Files.readString(Path.of(key + ".pub")).strip();
        try (SeedContainers containers = new SeedContainers(docker);
                RunningHaystack haystack = way == Way.JAR ? new JarHaystack(docker, dir, authorized) : new ImageHaystack(authorized)) {
            haystack.awaitLine(l -> l.contains("haystack started"), Duration.ofSeconds(90));

            // a pool of nginx servers, each serving its own letter; and a web group
            String nginx = containers.image("nginx");
            for (String letter : POOL) {
                containers.serve(nginx, "seed-nginx-" + letter, letter, 80);
            }
            containers.serve(nginx, "web-001", "web-001", 80);
            containers.serve(nginx, "web-002", "web-002", 80);

            // a busybox terminal with Haystack providing the DNS
            containers.client(haystack.address());
            String lookup = awaitResolves(containers, "nginx.services.haystack");
            assertTrue(lookup.contains(haystack.address()), "the name leads to Haystack's load balancer:\n" + lookup);

            Set<String> seen = fetchUntil(containers, "http://nginx.services.haystack", POOL);
            assertTrue(POOL.stream().allMatch(seen::contains) && union(POOL, WEB).containsAll(seen), "nginx pool: " + seen);

            awaitResolves(containers, "web.nginx.services.haystack");
            Set<String> group = fetchUntil(containers, "http://web.nginx.services.haystack", WEB);
            assertEquals(WEB, group, "the web group is served by its own containers only");

            containers.serve(containers.image("httpd"), "seed-httpd", "httpd", 80);
            awaitResolves(containers, "httpd.services.haystack");
            assertEquals(Set.of("httpd"), fetchUntil(containers, "http://httpd.services.haystack", Set.of("httpd")));

            containers.serve(containers.image("jenkins"), "seed-jenkins", "jenkins", 8080);
            awaitResolves(containers, "jenkins.services.haystack");
            assertEquals(Set.of("jenkins"), fetchUntil(containers, "http://jenkins.services.haystack:8080/", Set.of("jenkins")));
            // jenkins has no http port: port 80 serves its http-alt one too (README "Moving from…")
            assertEquals(Set.of("jenkins"), fetchUntil(containers, "http://jenkins.services.haystack/", Set.of("jenkins")));

            stopOneByOneUntilTheNameIsGone(containers);
            traceOverSsh(haystack, containers, key);

            assertEquals(143, haystack.stop(), "a SIGTERM'd JVM's status, after stopping in order:\n" + haystack.output());
            haystack.awaitLine(l -> l.contains("haystack stopping"), Duration.ofSeconds(10));
        }
    }

    /**
     * Stops the nginx containers one at a time, the pool first: the rest keep serving; with
     * the pool gone the plain name answers no more while the web group still serves its own
     * name (grouped containers are not part of the plain pool); the name goes with the last.
     */
    private static void stopOneByOneUntilTheNameIsGone(SeedContainers containers) throws Exception {
        List<String> pool = List.of("seed-nginx-a", "seed-nginx-b", "seed-nginx-c", "seed-nginx-d");
        Set<String> stopped = new LinkedHashSet<>();
        for (String name : pool.subList(0, pool.size() - 1)) {
            containers.stop(name);
            stopped.add(name.replace("seed-nginx-", ""));
            for (int i = 0; i < 3; i++) {
                OpenSsh.Result page = containers.type("wget -q -O - http://nginx.services.haystack");
                assertEquals(0, page.status(), "still served after stopping " + stopped + ": " + page.err());
                assertFalse(stopped.contains(page.out().strip()), "a stopped container answered: " + page.out() + " stopped " + stopped);
            }
            assertEquals(0, containers.type("nslookup nginx.services.haystack").status(), "the name stays while a container is left");
        }
        containers.stop(pool.get(pool.size() - 1));
        awaitStatus(containers, "wget -q -T 2 -O - http://nginx.services.haystack", false,
                "the plain nginx name still serves with only the web group left");
        OpenSsh.Result web = containers.type("wget -q -O - http://web.nginx.services.haystack");
        assertEquals(0, web.status(), "the web group still serves its own name: " + web.err());
        assertTrue(WEB.contains(web.out().strip()), web.out());

        containers.stop("web-001");
        assertTrue(WEB.contains(containers.type("wget -q -O - http://web.nginx.services.haystack").out().strip()));
        containers.stop("web-002");
        String gone = null;
        for (int i = 0; i < ATTEMPTS && gone == null; i++) {
            OpenSsh.Result r = containers.type("nslookup nginx.services.haystack");
            if (r.status() != 0 && (r.out() + r.err()).contains("NXDOMAIN")) {
                gone = r.out() + r.err();
            } else {
                Thread.sleep(100);
            }
        }
        assertTrue(gone != null, "nginx.services.haystack still answers after its last container stopped");
    }

    /** Runs {@code command} in the client until its success is {@code succeeds}, failing with {@code message}. */
    private static void awaitStatus(SeedContainers containers, String command, boolean succeeds, String message) throws Exception {
        OpenSsh.Result r = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            r = containers.type(command);
            if ((r.status() == 0) == succeeds) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(message + ": " + r.out() + r.err());
    }

    /** ssh in with the authorised key, trace on, see a container's events, trace off, exit. */
    private static void traceOverSsh(RunningHaystack haystack, SeedContainers containers, Path key) throws Exception {
        OpenSsh ssh = new OpenSsh(haystack.sshPort(), key.resolveSibling("known_hosts"));
        try (OpenSsh.Terminal session = ssh.open(key)) {
            session.type("haystack:trace true");
            session.await(Pattern.compile("^trace on"), Duration.ofSeconds(30));
            containers.serve(containers.image("nginx"), "seed-nginx-e", "e", 80);
            session.await(Pattern.compile("docker event .*action=start container=seed-nginx-e"), Duration.ofSeconds(30));
            session.await(Pattern.compile("registry added .*service=nginx container=seed-nginx-e"), Duration.ofSeconds(30));
            session.type("haystack:trace false");
            session.await(Pattern.compile("^trace off$"), Duration.ofSeconds(30));
            session.type("exit");
            assertEquals(0, session.awaitExit(Duration.ofSeconds(30)), session.output() + "\n" + haystack.output());
        }
    }

    /** nslookup until the name answers (discovery is asynchronous); returns nslookup's output. */
    private static String awaitResolves(SeedContainers containers, String name) throws Exception {
        OpenSsh.Result r = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            r = containers.type("nslookup " + name);
            if (r.status() == 0) {
                return r.out();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nslookup " + name + " never answered: " + r.out() + r.err());
    }

    /** wget until every one of {@code expected} has answered (a handful of requests); returns every body seen. */
    private static Set<String> fetchUntil(SeedContainers containers, String url, Set<String> expected) throws Exception {
        Set<String> seen = new LinkedHashSet<>();
        OpenSsh.Result r = null;
        for (int i = 0; i < 40 && !seen.containsAll(expected); i++) {
            r = containers.type("wget -q -O - " + url);
            if (r.status() == 0) {
                seen.add(r.out().strip());
            } else {
                Thread.sleep(100);
            }
        }
        assertTrue(seen.containsAll(expected), url + " answered " + seen + ", last: " + (r == null ? "" : r.err()));
        return seen;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }
}
