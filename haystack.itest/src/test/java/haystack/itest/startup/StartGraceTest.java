package haystack.itest.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import haystack.itest.HaystackProcess;
import haystack.itest.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A discovery source that never synchronises (its Docker engine is not there) does not keep
 * Haystack unready: after HAYSTACK_START_GRACE it is ready anyway, with one WARN naming the
 * source.
 */
class StartGraceTest {

    @Test
    void aSourceThatNeverSynchronisesHoldsReadinessBackOnlyForTheGrace(@TempDir Path dir) throws Exception {
        int admin = Ports.free();
        Map<String, String> env = new HashMap<>(Ports.allFree(dir));
        env.put("HAYSTACK_ADMIN_PORT", String.valueOf(admin));
        env.put("HAYSTACK_ADMIN_BIND", "127.0.0.1");
        env.put("DOCKER_HOST", "unix://" + dir.resolve("no-engine.sock"));
        env.put("HAYSTACK_START_GRACE", "3");
        try (HaystackProcess haystack = new HaystackProcess(Path.of(System.getProperty("java.home")), dir, env)) {
            haystack.awaitLine(l -> l.contains("haystack started"), Duration.ofSeconds(90));
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/ready")).timeout(Duration.ofSeconds(5)).build();
            String warn = haystack.awaitLine(l -> l.contains("registry ready without every source synchronised"), Duration.ofSeconds(60));
            assertTrue(warn.contains("[WARN]") && warn.contains("graceSeconds=3") && warn.contains("docker:unix://" + dir.resolve("no-engine.sock")), warn);
            assertEquals(200, http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(1, haystack.lines().stream().filter(l -> l.contains("registry ready")).count(), haystack.output());
        }
    }
}
