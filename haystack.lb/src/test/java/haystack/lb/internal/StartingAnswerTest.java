package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import haystack.api.RegistryChange;
import haystack.api.RegistrySnapshot;
import haystack.lb.internal.proxy.StartingAnswer;
import haystack.lb.internal.routing.StrategyCatalogImpl;
import org.junit.jupiter.api.Test;

/**
 * Before the registry is ready a host with no route may be a service not seen yet: 503
 * with Retry-After: 1, never a 404 that a client or cache would believe (SPEC §4, §5).
 */
class StartingAnswerTest {

    @Test
    void anUnknownHostIs503RetryAfter1UntilTheRegistryIsReadyThen404() throws Exception {
        LoadBalancer lb = new LoadBalancer(new StrategyCatalogImpl(), new TestConfig());
        try {
            String before = get(lb.httpPort(), "nosuch.services.haystack");
            assertTrue(before.startsWith("HTTP/1.1 503 "), "before any snapshot: " + before);

            RegistrySnapshot starting = new RegistrySnapshot(1, List.of(), false);
            lb.registryChanged(new RegistryChange(RegistrySnapshot.EMPTY, starting, List.of(), List.of(), List.of()));
            String head = get(lb.httpPort(), "nosuch.services.haystack");
            assertTrue(head.startsWith("HTTP/1.1 503 "), head);
            assertTrue(head.contains("\r\nRetry-After: 1\r\n"), head);
            assertTrue(head.contains(StartingAnswer.REASON), head);

            RegistrySnapshot ready = new RegistrySnapshot(2, List.of(), true);
            lb.registryChanged(new RegistryChange(starting, ready, List.of(), List.of(), List.of()));
            String after = get(lb.httpPort(), "nosuch.services.haystack");
            assertTrue(after.startsWith("HTTP/1.1 404 "), after);
            assertTrue(!after.contains("Retry-After"), after);
        } finally {
            lb.close();
        }
    }

    @Test
    void aConfigurationChangeBeforeTheFirstSnapshotIsNoReasonFor404() throws Exception {
        LoadBalancer lb = new LoadBalancer(new StrategyCatalogImpl(), new TestConfig());
        try {
            // a new origin rebuilds the tables from the snapshot the balancer holds: none yet
            TestConfig elsewhere = new TestConfig();
            elsewhere.origin = "elsewhere";
            elsewhere.httpPort = lb.httpPort();
            elsewhere.httpAltPort = lb.httpAltPort();
            lb.modified(elsewhere);
            String head = get(lb.httpPort(), "nosuch.services.elsewhere");
            assertTrue(head.startsWith("HTTP/1.1 503 ") && head.contains("\r\nRetry-After: 1\r\n"), head);
        } finally {
            lb.close();
        }
    }

    private static String get(int port, String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
