package haystack.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import haystack.api.Endpoint;
import haystack.api.discovery.EndpointSource;
import haystack.registry.internal.DiscoveryPublisherImpl;
import haystack.registry.internal.RegistryImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * {@code GET /api/events} over real sockets, read as a browser's EventSource reads it:
 * ids, resuming with Last-Event-ID, a resync when the missed events are gone, heartbeats,
 * and a client that stops reading being dropped while others go on.
 */
class EventStreamTest {

    private final RegistryImpl registry = new RegistryImpl();
    private final EndpointSource source = new DiscoveryPublisherImpl(registry).open("test");
    private AdminServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) {
            registry.removeListener(server);
            server.close();
        }
        source.close();
    }

    private AdminServer start(int kept, LiveSettings live) throws IOException {
        WebConfig config = new WebConfig() {
            @Override public Class<? extends Annotation> annotationType() { return WebConfig.class; }
            @Override public int port() { return 0; }
            @Override public String bind() { return "127.0.0.1"; }
            @Override public String origin() { return "haystack"; }
            @Override public String user() { return ""; }
            @Override public String password() { return ""; }
            @Override public int changes_kept() { return kept; }
        };
        server = new AdminServer(registry, context(), config, live);
        registry.addListener(server);
        return server;
    }

    private static LiveSettings quiet() {
        // no sample but the first, no heartbeat during the test: only the events under test
        return new LiveSettings(3_600_000, 10, 10, 1 << 20, 3_600_000);
    }

    private static BundleContext context() {
        Bundle self = (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class}, (p, m, a) -> switch (m.getName()) {
            case "getVersion" -> org.osgi.framework.Version.parseVersion("1.2.3");
            default -> null;
        });
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(), new Class<?>[] {BundleContext.class}, (p, m, a) -> switch (m.getName()) {
            case "getBundles" -> new Bundle[0];
            case "getBundle" -> self;
            default -> null;
        });
    }

    private static Endpoint endpoint(String container, int port) {
        return Endpoint.builder().service("web").containerId(container).containerName(container)
                .address(InetAddress.getLoopbackAddress()).port(port).portName("http").build();
    }

    /** One SSE event as read: its id (null when none), name and data. */
    record Event(String id, String type, String data) {
    }

    /** A raw HTTP/1.0 client of /api/events: no chunking, the stream ends when the server closes. */
    static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final BufferedReader in;
        int comments;

        Client(int port, String lastEventId) throws IOException {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/events HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            assertTrue(status != null && status.contains(" 200 "), "status " + status);
            String contentType = null;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase().startsWith("content-type:")) {
                    contentType = line.substring(13).trim();
                }
            }
            assertTrue(contentType != null && contentType.startsWith("text/event-stream"), "content type " + contentType);
        }

        /** The next event (comments counted and skipped); null at the end of the stream. */
        Event next() throws IOException {
            String id = null;
            String type = null;
            StringBuilder data = new StringBuilder();
            for (int lines = 0; lines < 100_000; lines++) {
                String line = in.readLine();
                if (line == null) {
                    return null;
                }
                if (line.isEmpty()) {
                    if (type != null || data.length() > 0) {
                        return new Event(id, type == null ? "message" : type, data.toString());
                    }
                    continue;
                }
                if (line.startsWith(":")) {
                    comments++;
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    type = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).stripLeading());
                }
            }
            throw new AssertionError("no event in 100,000 lines");
        }

        /** The next event that carries an id (traffic samples carry none). */
        Event nextWithId() throws IOException {
            for (int i = 0; i < 1000; i++) {
                Event e = next();
                if (e == null || e.id() != null) {
                    return e;
                }
            }
            throw new AssertionError("no event with an id in 1,000");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void eventsCarryIdsAndAResumedStreamGetsExactlyWhatItMissed() throws Exception {
        start(50, quiet());
        Endpoint a = endpoint("alpha-1", 8081);
        Endpoint b = endpoint("bravo-1", 8082);
        Endpoint c = endpoint("charlie-1", 8083);
        String lastSeen;
        try (Client first = new Client(server.port(), null)) {
            Event state = first.nextWithId();
            assertEquals("state", state.type());
            assertTrue(state.data().contains("\"endpoints\":[]"), state.data());
            source.put(List.of(a));
            Event added = first.nextWithId();
            assertEquals("change", added.type(), added.toString());
            assertTrue(added.data().contains("\"kind\":\"added\",\"service\":\"web\",\"container\":\"alpha-1\""), added.data());
            assertEquals(sequence(state.id()) + 1, sequence(added.id()), "ids follow each other");
            lastSeen = added.id();
        }
        // while nobody listens: b added, a drained by the operator, c added
        source.put(List.of(b));
        assertTrue(registry.drain(idOf("alpha-1"), true));
        source.put(List.of(c));
        try (Client resumed = new Client(server.port(), lastSeen)) {
            List<Event> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(resumed.nextWithId());
            }
            assertEquals(List.of("change", "change", "change"), got.stream().map(Event::type).toList(), got.toString());
            assertEquals(List.of(sequence(lastSeen) + 1, sequence(lastSeen) + 2, sequence(lastSeen) + 3),
                    got.stream().map(e -> sequence(e.id())).toList());
            assertTrue(got.get(0).data().contains("\"container\":\"bravo-1\""), got.toString());
            assertTrue(got.get(1).data().contains("\"kind\":\"drain\",\"service\":\"web\",\"container\":\"alpha-1\""), got.get(1).data());
            assertTrue(got.get(1).data().contains("\"why\":\"draining: no new requests\""), got.get(1).data());
            assertTrue(got.get(2).data().contains("\"container\":\"charlie-1\""), got.get(2).data());
            // and it goes on live
            source.remove(List.of(idOf("bravo-1")));
            Event removed = resumed.nextWithId();
            assertTrue(removed.data().contains("\"kind\":\"removed\",\"service\":\"web\",\"container\":\"bravo-1\""), removed.data());
        }
    }

    @Test
    void missedEventsOlderThanTheRingOrFromAnotherRunGiveResyncThenTheFullState() throws Exception {
        start(3, quiet());
        String lastSeen;
        try (Client first = new Client(server.port(), null)) {
            lastSeen = first.nextWithId().id();
        }
        for (int i = 0; i < 5; i++) {
            source.put(List.of(endpoint("gone-" + i, 9000 + i)));
        }
        awaitVersion(5);
        try (Client late = new Client(server.port(), lastSeen)) {
            Event resync = late.next();
            assertEquals("resync", resync.type(), resync.toString());
            assertNull(resync.id());
            Event state = late.next();
            assertEquals("state", state.type());
            assertTrue(state.data().contains("\"container\":\"gone-4\""), "the full state: " + state.data());
            assertEquals(5, sequence(state.id()), "the state carries the last id");
        }
        String run = lastSeen.substring(0, lastSeen.lastIndexOf('-'));
        for (String foreign : new String[] {"zzz-1", run + "-999", run + "-x", "garbage"}) {
            try (Client other = new Client(server.port(), foreign)) {
                assertEquals("resync", other.next().type(), foreign);
                assertEquals("state", other.next().type(), foreign);
            }
        }
    }

    @Test
    void anIdleStreamCarriesHeartbeats() throws Exception {
        start(10, new LiveSettings(3_600_000, 10, 10, 1 << 20, 200));
        try (Client c = new Client(server.port(), null)) {
            assertEquals("state", c.nextWithId().type());
            long deadline = System.nanoTime() + 10_000_000_000L;
            c.socket.setSoTimeout(2_000);
            while (c.comments < 3 && System.nanoTime() < deadline) {
                String line = c.in.readLine();
                assertNotNull(line, "the stream ended");
                if (line.startsWith(":")) {
                    c.comments++;
                }
            }
            assertTrue(c.comments >= 3, "heartbeat comments in 10 s at 200 ms: " + c.comments);
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedAndTheOthersGoOn() throws Exception {
        start(50, new LiveSettings(3_600_000, 10, 10, 256 * 1024, 3_600_000));
        try (Socket stalled = new Socket(); Client reader = new Client(server.port(), null)) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5000);
            stalled.getOutputStream().write("GET /api/events HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("state", reader.nextWithId().type());
            awaitClients(2);
            // changes of 200 endpoints each (about 80 KB of data) until the stalled client is dropped
            int rounds = 0;
            while (metric("haystack_admin_event_clients_dropped_total") < 1) {
                assertTrue(rounds < 400, "not dropped after " + rounds + " changes of 200 endpoints");
                List<Endpoint> batch = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    batch.add(endpoint("bulk-" + rounds + "-" + i, 1000 + i));
                }
                source.replaceAll(batch);
                Event e = reader.nextWithId();
                assertEquals("change", e.type(), "the reading client gets every change");
                rounds++;
            }
            assertEquals(1, metric("haystack_admin_event_clients_dropped_total"));
            assertEquals(1, metric("haystack_admin_event_clients"), "the reading client stays");
            // the stalled client finds its stream ended once it reads what was sent
            stalled.setSoTimeout(10_000);
            InputStream in = stalled.getInputStream();
            byte[] buffer = new byte[65536];
            long total = 0;
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
                assertTrue(total < 64L << 20, "more than 64 MB for one stalled client");
            }
            source.put(List.of(endpoint("after-drop", 7000)));
            assertTrue(reader.nextWithId().data().contains("after-drop"));
        }
    }

    private long metric(String name) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError(name + " not in /metrics");
    }

    private void awaitClients(int n) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (metric("haystack_admin_event_clients") == n) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(n + " clients never seen");
    }

    private void awaitVersion(long version) throws InterruptedException {
        for (int i = 0; i < 100 && registry.snapshot().version() < version; i++) {
            Thread.sleep(20);
        }
        assertFalse(registry.snapshot().version() < version, "registry at version " + registry.snapshot().version());
        Thread.sleep(200); // the listener hears changes on the registry's event thread
    }

    /** The endpoint's id as the registry has it (the source's id is part of it). */
    private String idOf(String container) {
        return registry.snapshot().endpoints().stream().filter(e -> e.containerName().equals(container)).findFirst().orElseThrow().id();
    }

    private static long sequence(String id) {
        return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
    }
}
