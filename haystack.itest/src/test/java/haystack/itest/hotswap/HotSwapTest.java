package haystack.itest.hotswap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.DockerClient;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * Issue 6's hot swap, all over ssh against the exported jar, while requests flow through
 * the balancer to two loopback backends: a strategy bundle installed, chosen, and
 * uninstalled with 0 failed requests; then the DNS bundle updated while it is queried.
 */
@RequiresDocker
class HotSwapTest {

    private static final Pattern STATUS = Pattern.compile("status: (\\w+)");

    @TempDir
    Path dir;

    private final DockerClient docker = DockerClientFactory.instance().client();
    private final List<String> containers = new ArrayList<>();
    private final String service = "hotswap" + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "");

    @AfterEach
    void removeContainers() {
        containers.forEach(id -> docker.removeContainerCmd(id).withForce(true).exec());
    }

    @Test
    void aStrategyBundleComesAndGoesAndTheDnsBundleIsUpdatedWithoutAWrongAnswer() throws Exception {
        Path key = dir.resolve("operator");
        OpenSsh.keygen(key);
        int http = Ports.free();
        int dns = Ports.free();
        int sshPort = Ports.free();
        Map<String, String> env = HaystackEnv.under(dir).advertise("127.0.0.1").ssh(sshPort, key).port("HTTP", http).port("DNS", dns)
                .set("HAYSTACK_DOCKER_PUBLISHED", "true").map();
        String host = service + ".services.haystack";
        backend("A");
        backend("B");

        try (HaystackProcess haystack = new HaystackProcess(Path.of(System.getProperty("java.home")), dir, env)) {
            haystack.awaitLine(l -> l.contains("ssh listening port=" + sshPort), Duration.ofSeconds(60));
            OpenSsh ssh = new OpenSsh(sshPort, dir.resolve("known_hosts"));
            awaitBodies(http, host, Duration.ofSeconds(60));

            try (RequestLoop loop = new RequestLoop(http, host, 4)) {
                Path bundle = StrategyBundle.write(dir);
                String installed = ssh.exec(key, "install file:" + bundle).ok();
                Matcher id = Pattern.compile("(\\d+)").matcher(installed);
                assertTrue(id.find(), installed);
                ssh.exec(key, "start " + id.group(1)).ok();
                assertTrue(ssh.exec(key, "haystack:strategies").ok().contains(StrategyBundle.NAME));

                ssh.exec(key, "haystack:strategy " + service + " " + StrategyBundle.NAME).ok();
                Map<String, Long> pinned = growthOver(loop, Duration.ofSeconds(2));
                assertEquals(1, pinned.size(), "every request to the first endpoint: " + pinned);

                // refresh restarts the bundle: its strategy leaves and comes back under traffic
                ssh.exec(key, "refresh " + id.group(1)).ok();
                assertTrue(ssh.exec(key, "haystack:strategy " + service).ok().contains(StrategyBundle.NAME));

                ssh.exec(key, "uninstall " + id.group(1)).ok();
                awaitGrowth(loop, growth -> growth.size() == 2, Duration.ofSeconds(20));
                assertTrue(ssh.exec(key, "haystack:strategy " + service).ok().contains("round-robin"));

                loop.close();
                assertTrue(loop.total() > 100, "requests flowed: " + loop.total());
                assertEquals(List.of(), loop.failures(), "0 failed requests across install, switch and uninstall of "
                        + loop.total());
            }

            String dnsBundle = bundleId(ssh.exec(key, "lb").ok(), "Haystack DNS");
            assertEquals(List.of("127.0.0.1"), dig(dns, host).answers(), "answered before the update");
            ssh.exec(key, "update " + dnsBundle).ok();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            DigResult last = null;
            int answered = 0;
            while (System.nanoTime() < deadline && answered < 20) {
                last = dig(dns, host);
                if (last.status() != null) {
                    assertEquals("NOERROR", last.status(), "no wrong answer while the DNS bundle restarts: " + last);
                    assertEquals(List.of("127.0.0.1"), last.answers(), "no wrong answer: " + last);
                    answered++;
                }
            }
            assertEquals(20, answered, "answers resumed within 30 s after the update; last: " + last);
        }
    }

    private void backend(String letter) {
        HostConfig published = HostConfig.newHostConfig()
                .withPortBindings(new PortBinding(Binding.bindIp("127.0.0.1"), ExposedPort.tcp(80)));
        String id = docker.createContainerCmd(BusyboxImage.name())
                .withName(service + "-" + letter.toLowerCase())
                .withLabels(Map.of("haystack.service", service))
                .withExposedPorts(ExposedPort.tcp(80))
                .withHostConfig(published)
                .withCmd("sh", "-c", "echo " + letter + " > /www/index.html && exec httpd -f -p 80 -h /www")
                .exec().getId();
        containers.add(id);
        docker.startContainerCmd(id).exec();
    }

    /** Waits until both backends have answered through the balancer. */
    private static void awaitBodies(int port, String host, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        while (System.nanoTime() < deadline && seen.size() < 2) {
            try {
                seen.add(RequestLoop.get(port, host));
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        assertEquals(java.util.Set.of("A", "B"), seen, "both backends behind " + host);
    }

    /** Which bodies were answered, and how often, during {@code window} (after a short settle). */
    private static Map<String, Long> growthOver(RequestLoop loop, Duration window) throws InterruptedException {
        Thread.sleep(500);
        Map<String, Long> before = loop.bodies();
        Thread.sleep(window.toMillis());
        Map<String, Long> after = loop.bodies();
        Map<String, Long> growth = new java.util.TreeMap<>();
        after.forEach((body, n) -> {
            long grew = n - before.getOrDefault(body, 0L);
            if (grew > 0) {
                growth.put(body, grew);
            }
        });
        return growth;
    }

    private static void awaitGrowth(RequestLoop loop, Predicate<Map<String, Long>> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> growth = Map.of();
        while (System.nanoTime() < deadline) {
            growth = growthOver(loop, Duration.ofSeconds(1));
            if (done.test(growth)) {
                return;
            }
        }
        throw new AssertionError("traffic did not follow: " + growth);
    }


    private static String bundleId(String lb, String name) {
        return lb.lines().filter(l -> l.contains("|" + name + " ")).map(l -> l.split("\\|")[0].strip()).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + name + " in\n" + lb));
    }

    record DigResult(String status, List<String> answers, String raw) {
    }

    /** One query with dig, one try of one second: the status (null when nothing answered) and the A records. */
    private static DigResult dig(int port, String name) throws Exception {
        OpenSsh.Result r = OpenSsh.run(List.of("dig", "@127.0.0.1", "-p", String.valueOf(port), "+time=1", "+tries=1",
                "+noall", "+comments", "+answer", name, "A"), null);
        Matcher status = STATUS.matcher(r.out());
        List<String> answers = r.out().lines().filter(l -> !l.startsWith(";") && !l.isBlank())
                .map(l -> l.split("\\s+")).filter(f -> f.length >= 5 && f[3].equals("A")).map(f -> f[4]).toList();
        return new DigResult(status.find() ? status.group(1) : null, answers, r.out());
    }
}
