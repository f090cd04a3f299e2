package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import haystack.api.Endpoint;
import org.junit.jupiter.api.Test;

/** SPEC §5a with real sockets: the TCP listeners, their balancing, retries, draining and the relay's limits. */
class TcpListenerTest {

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Endpoint tcp(String service, String container, int port, int listen) {
        return LbFixture.endpoint(service, container, port).portName("redis").tcpPort(listen).build();
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            b.append((char) c);
        }
        return b.toString();
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /** One whole exchange through the listener: the endpoint's name, and the echo of a line sent after it. */
    static String exchange(int port) throws IOException {
        try (Socket s = connect(port)) {
            String name = line(s.getInputStream());
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            String echo = new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII);
            if (!echo.equals("ping\n")) {
                throw new AssertionError("echo from " + name + " was '" + echo + "'");
            }
            return name;
        }
    }

    @Test
    void connectionsAlternateBetweenTwoEndpoints() throws Exception {
        int listen = freePort();
        try (TcpBackend a = TcpBackend.echo("a"); TcpBackend b = TcpBackend.echo("b"); LbFixture lb = new LbFixture()) {
            lb.put(tcp("kv", "kv-a", a.port(), listen), tcp("kv", "kv-b", b.port(), listen));
            assertEquals(Map.of(listen, "kv"), lb.lb.tcpListeners());
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                names.add(exchange(listen));
            }
            for (int i = 1; i < names.size(); i++) {
                assertNotEquals(names.get(i - 1), names.get(i), names.toString());
            }
            assertEquals(Set.of("a", "b"), new HashSet<>(names));
        }
    }

    @Test
    void eachConnectionIsTracedWithItsRoute() throws Exception {
        int listen = freePort();
        List<String> traced = new java.util.concurrent.CopyOnWriteArrayList<>();
        haystack.api.trace.Tracer tracer = new haystack.api.trace.Tracer() {
            @Override
            public boolean isActive() {
                return true;
            }

            @Override
            public void trace(String category, String message) {
                traced.add(category + " " + message);
            }
        };
        try (TcpBackend a = TcpBackend.echo("a"); LbFixture lb = new LbFixture(new TestConfig(), tracer)) {
            lb.put(tcp("kv", "kv-a", a.port(), listen));
            exchange(listen);
            assertEquals(List.of("route route tcp listener=" + listen + " client=127.0.0.1 service=kv strategy=round-robin container=kv-a endpoint=127.0.0.1:"
                    + a.port() + " try=1"), traced.stream().filter(l -> l.startsWith("route ")).toList());
        }
    }

    @Test
    void aBackendRemovedMidwayFailsNoneOf150Connections() throws Exception {
        int listen = freePort();
        try (TcpBackend a = TcpBackend.echo("a"); TcpBackend b = TcpBackend.echo("b"); LbFixture lb = new LbFixture()) {
            Endpoint ea = tcp("kv", "kv-a", a.port(), listen);
            Endpoint eb = tcp("kv", "kv-b", b.port(), listen);
            lb.put(ea, eb);
            for (int i = 0; i < 150; i++) {
                if (i == 50) {
                    lb.put(eb.toBuilder().draining(true).build()); // docker stop: draining first
                }
                if (i == 60) {
                    lb.remove(eb);
                    b.close(); // the container is gone: its port refuses
                }
                String name = exchange(listen);
                if (i >= 50) {
                    assertEquals("a", name, "connection " + i);
                }
            }
        }
    }

    @Test
    void drainingLetsOpenConnectionsFinishAndSendsNewOnesElsewhere() throws Exception {
        int listen = freePort();
        try (TcpBackend a = TcpBackend.echo("a"); TcpBackend b = TcpBackend.echo("b"); LbFixture lb = new LbFixture()) {
            Endpoint ea = tcp("kv", "kv-a", a.port(), listen);
            Endpoint eb = tcp("kv", "kv-b", b.port(), listen);
            lb.put(ea, eb);
            List<Socket> open = new ArrayList<>();
            try {
                Socket onB = null;
                for (int i = 0; i < 4 && onB == null; i++) {
                    Socket s = connect(listen);
                    open.add(s);
                    if (line(s.getInputStream()).equals("b")) {
                        onB = s;
                    }
                }
                assertTrue(onB != null);
                lb.put(eb.toBuilder().draining(true).build());
                for (int i = 0; i < 6; i++) {
                    assertEquals("a", exchange(listen));
                }
                onB.getOutputStream().write("still here\n".getBytes(StandardCharsets.US_ASCII));
                onB.shutdownOutput();
                assertEquals("still here\n", new String(readAll(onB.getInputStream()), StandardCharsets.US_ASCII));
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aRefusingEndpointIsRetriedOnTheOtherAndEjected() throws Exception {
        int listen = freePort();
        int refusing = freePort();
        try (TcpBackend a = TcpBackend.echo("a"); LbFixture lb = new LbFixture()) {
            lb.put(tcp("kv", "kv-a", a.port(), listen), tcp("kv", "kv-dead", refusing, listen));
            for (int i = 0; i < 20; i++) {
                assertEquals("a", exchange(listen));
            }
            MetricSamples m = MetricSamples.of(lb.lb);
            assertEquals(0, m.value("haystack_tcp_failures_total", "listener", Integer.toString(listen)));
            assertEquals(20, m.value("haystack_tcp_connections_total", "listener", Integer.toString(listen)));
        }
    }

    @Test
    void anEndpointThatNeverAnswersTheConnectIsRetriedAfterTheConnectTimeout() throws Exception {
        int listen = freePort();
        TestConfig config = new TestConfig();
        config.connectTimeout = 400;
        config.passiveFailures = 100; // keep it in the pool: every other connection meets it first
        List<java.nio.channels.SocketChannel> queued = new ArrayList<>();
        // a listener nobody accepts from, its accept queue full: Linux drops further SYNs, so connects hang
        try (ServerSocket stuck = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                TcpBackend a = TcpBackend.echo("a"); LbFixture lb = new LbFixture(config)) {
            for (int i = 0; i < 3; i++) {
                java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open();
                c.configureBlocking(false);
                c.connect(stuck.getLocalSocketAddress());
                queued.add(c);
            }
            lb.put(tcp("kv", "kv-a", a.port(), listen), tcp("kv", "kv-stuck", stuck.getLocalPort(), listen));
            int waited = 0;
            for (int i = 0; i < 6; i++) {
                long start = System.nanoTime();
                assertEquals("a", exchange(listen), "connection " + i);
                waited += System.nanoTime() - start >= 350_000_000L ? 1 : 0;
            }
            assertTrue(waited >= 2, "every other connection met the stuck endpoint first and waited out the connect timeout: " + waited);
            assertEquals(0, MetricSamples.of(lb.lb).value("haystack_tcp_failures_total", "listener", Integer.toString(listen)));
        } finally {
            for (java.nio.channels.SocketChannel c : queued) {
                c.close();
            }
        }
    }

    @Test
    void withNoEndpointTakingTrafficTheClientIsClosedAndCounted() throws Exception {
        int listen = freePort();
        try (LbFixture lb = new LbFixture()) {
            lb.put(tcp("kv", "kv-dead", freePort(), listen));
            try (Socket s = connect(listen)) {
                assertEquals(-1, s.getInputStream().read(), "closed without a byte");
            } catch (IOException reset) {
                // a reset is as good a refusal
            }
            assertEquals(1, MetricSamples.of(lb.lb).value("haystack_tcp_failures_total", "listener", Integer.toString(listen)));
        }
    }

    @Test
    void halfCloseBothWays() throws Exception {
        int listen = freePort();
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(payload);
        try (TcpBackend a = TcpBackend.echo("a"); LbFixture lb = new LbFixture()) {
            lb.put(tcp("kv", "kv-a", a.port(), listen));
            try (Socket s = connect(listen)) {
                assertEquals("a", line(s.getInputStream()));
                Thread writer = new Thread(() -> {
                    try {
                        s.getOutputStream().write(payload);
                        s.shutdownOutput();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                writer.start();
                byte[] back = readAll(s.getInputStream());
                writer.join(10_000);
                assertArrayEquals(payload, back, "the whole reply after the client's end of stream, then the endpoint's end");
            }
        }
    }

    @Test
    void aClientThatSendsAndEndsAtOnceGetsTheWholeReply() throws Exception {
        // the relay reads the client as soon as the endpoint connects: the request and its end may both be waiting
        int listen = freePort();
        try (TcpBackend a = TcpBackend.echo("a"); LbFixture lb = new LbFixture()) {
            lb.put(tcp("kv", "kv-a", a.port(), listen));
            for (int i = 0; i < 20; i++) {
                try (Socket s = connect(listen)) {
                    s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                    assertEquals("a\nping\n", new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII), "connection " + i);
                }
            }
        }
    }

    @Test
    void anEndpointThatEndsFirstStillReceivesWhatTheClientSendsAfter() throws Exception {
        int listen = freePort();
        byte[] payload = new byte[1024 * 1024 + 3];
        new Random(11).nextBytes(payload);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        try (ServerSocket endpoint = new ServerSocket(0, 10, InetAddress.getLoopbackAddress()); LbFixture lb = new LbFixture()) {
            Thread server = new Thread(() -> {
                while (!received.isDone()) {
                    try (Socket s = endpoint.accept()) {
                        s.setSoTimeout(10_000);
                        s.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
                        s.shutdownOutput();
                        byte[] got = readAll(s.getInputStream());
                        if (got.length > 0) {
                            received.complete(got);
                        }
                    } catch (IOException e) {
                        received.completeExceptionally(e);
                    }
                }
            });
            server.setDaemon(true);
            server.start();
            lb.put(tcp("kv", "kv-a", endpoint.getLocalPort(), listen));
            try (Socket s = connect(listen)) {
                assertEquals("bye\n", new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII), "the endpoint's end is passed on");
                s.getOutputStream().write(payload);
                s.shutdownOutput(); // both streams have ended now: the relay closes both sockets
                assertArrayEquals(payload, received.get(10, TimeUnit.SECONDS), "what the client sent after the endpoint's end, then the client's end");
            }
        }
    }

    @Test
    void newConnectionsAreSpreadOverTheEventLoops() throws Exception {
        // each loop accepts from its own listening socket (SO_REUSEPORT); the kernel picks one per connection
        int listen = freePort();
        Set<String> loops = ConcurrentHashMap.newKeySet();
        haystack.api.trace.Tracer tracer = new haystack.api.trace.Tracer() {
            @Override
            public boolean isActive() {
                return true;
            }

            @Override
            public void trace(String category, String message) {
                if (message.startsWith("route tcp ")) {
                    loops.add(Thread.currentThread().getName());
                }
            }
        };
        TestConfig config = new TestConfig();
        config.ioThreads = 2;
        try (TcpBackend a = TcpBackend.echo("a"); LbFixture lb = new LbFixture(config, tracer)) {
            lb.put(tcp("kv", "kv-a", a.port(), listen));
            for (int i = 0; i < 64 && loops.size() < 2; i++) {
                assertEquals("a", exchange(listen));
            }
            assertEquals(2, loops.size(), "loops that relayed: " + loops);
        }
    }

    @Test
    void finishedConnectionsLeaveNoSocketOpen() throws Exception {
        // sockets are closed after the selector drops them (EventLoop.closeDeregistered): none may be left behind
        Path fds = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(fds), "needs /proc");
        int listen = freePort();
        try (TcpBackend a = TcpBackend.echo("a"); LbFixture lb = new LbFixture()) {
            lb.put(tcp("kv", "kv-a", a.port(), listen));
            exchange(listen);
            long before = openFiles(fds);
            for (int i = 0; i < 300; i++) {
                exchange(listen);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((lb.lb.tcpConnections() > 0 || openFiles(fds) > before + 16) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, lb.lb.tcpConnections());
            long after = openFiles(fds);
            assertTrue(after <= before + 16, "open files before " + before + ", after 300 connections " + after);
        }
    }

    private static long openFiles(Path fds) throws IOException {
        try (Stream<Path> files = Files.list(fds)) {
            return files.count();
        }
    }

    @Test
    void anIdleConnectionIsClosedAtTheIdleTimeout() throws Exception {
        int listen = freePort();
        TestConfig config = new TestConfig();
        config.tcpIdleTimeout = 500;
        try (TcpBackend a = TcpBackend.echo("a"); LbFixture lb = new LbFixture(config)) {
            lb.put(tcp("kv", "kv-a", a.port(), listen));
            try (Socket s = connect(listen)) {
                assertEquals("a", line(s.getInputStream()));
                long start = System.nanoTime();
                assertEquals(-1, s.getInputStream().read(), "closed by the relay");
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms >= 300 && ms < 8000, "closed after " + ms + " ms");
            }
        }
    }

    @Test
    void aSlowReaderBoundsWhatIsBuffered() throws Exception {
        int listen = freePort();
        try (TcpBackend source = TcpBackend.source(1L << 30); LbFixture lb = new LbFixture()) {
            lb.put(tcp("bulk", "bulk-1", source.port(), listen));
            try (Socket s = connect(listen)) {
                s.setReceiveBufferSize(64 * 1024);
                // the source writes until every buffer on the way is full, then blocks
                long last = -1;
                for (int i = 0; i < 50 && source.written.get() != last; i++) {
                    last = source.written.get();
                    Thread.sleep(200);
                }
                long stalled = source.written.get();
                assertTrue(stalled < 64L * 1024 * 1024, "the relay took " + stalled + " bytes from a source nobody reads");
                Thread.sleep(500);
                assertEquals(stalled, source.written.get(), "the source stays blocked");
                // and reading resumes the flow
                byte[] buf = new byte[65536];
                long read = 0;
                InputStream in = s.getInputStream();
                while (read < stalled + 8L * 1024 * 1024) {
                    int n = in.read(buf);
                    assertTrue(n > 0);
                    read += n;
                }
            }
        }
    }

    @Test
    void aGigabyteEachWayPassesWithBoundedMemory() throws Exception {
        int listen = freePort();
        long total = 1L << 30;
        java.lang.management.BufferPoolMXBean direct = java.lang.management.ManagementFactory
                .getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        try (TcpBackend a = TcpBackend.echo("a"); LbFixture lb = new LbFixture()) {
            lb.put(tcp("bulk", "bulk-1", a.port(), listen));
            long rssBefore = rssKb();
            long[] peakDirect = {0};
            try (Socket s = connect(listen)) {
                assertEquals("a", line(s.getInputStream()));
                Thread writer = new Thread(() -> {
                    byte[] chunk = new byte[65536];
                    try {
                        for (long left = total; left > 0; left -= chunk.length) {
                            s.getOutputStream().write(chunk, 0, (int) Math.min(chunk.length, left));
                            peakDirect[0] = Math.max(peakDirect[0], direct.getMemoryUsed());
                        }
                        s.shutdownOutput();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                writer.start();
                byte[] buf = new byte[65536];
                long echoed = 0;
                for (int n; (n = s.getInputStream().read(buf)) != -1; ) {
                    echoed += n;
                }
                writer.join(60_000);
                assertEquals(total, echoed, "1 GB up and the same 1 GB back down");
            }
            long rssGrowthMb = (rssKb() - rssBefore) / 1024;
            // the relay holds at most two 64 kB direct buffers per connection; the JDK's own socket
            // buffers for the test's heap arrays come on top, a few hundred kB
            assertTrue(peakDirect[0] < 16L * 1024 * 1024, "direct memory in use peaked at " + peakDirect[0]);
            assertTrue(rssGrowthMb < 256, "the process grew by " + rssGrowthMb + " MB while relaying 2 GB");
            MetricSamples m = MetricSamples.of(lb.lb);
            assertEquals(total, m.value("haystack_tcp_bytes_total", "direction", "in"));
            assertEquals(total + 2, m.value("haystack_tcp_bytes_total", "direction", "out"), "the echo and the name line");
        }
    }

    @Test
    void quietConnectionsHoldNoBuffer() throws Exception {
        // a side holds a relay buffer only while bytes wait in it: a hundred open connections
        // that have exchanged a line and gone quiet hold none (they held two each before)
        int listen = freePort();
        java.lang.management.BufferPoolMXBean direct = java.lang.management.ManagementFactory
                .getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();
        // its own echo endpoint, reading 256 bytes at a time: the JDK caches a temporary
        // direct buffer of the size read in each thread that reads a heap array, and
        // TcpBackend's 64 kB reads would hide the relay's buffers behind those
        try (ServerSocket a = new ServerSocket(0, 200, InetAddress.getLoopbackAddress()); LbFixture lb = new LbFixture()) {
            Thread acceptor = new Thread(() -> {
                while (!a.isClosed()) {
                    try {
                        Socket c = a.accept();
                        open.add(c);
                        Thread t = new Thread(() -> {
                            try (c) {
                                c.getOutputStream().write("a\n".getBytes(StandardCharsets.US_ASCII));
                                byte[] buf = new byte[256];
                                for (int n; (n = c.getInputStream().read(buf)) != -1; ) {
                                    c.getOutputStream().write(buf, 0, n);
                                }
                            } catch (IOException e) {
                                // closed at the end of the test
                            }
                        });
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            lb.put(tcp("kv", "kv-a", a.getLocalPort(), listen));
            try (Socket s = connect(listen)) {
                assertEquals("a", line(s.getInputStream()));
            }
            long before = direct.getMemoryUsed();
            for (int i = 0; i < 100; i++) {
                Socket s = connect(listen);
                open.add(s);
                assertEquals("a", line(s.getInputStream()));
                s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("ping", line(s.getInputStream()));
            }
            assertEquals(100, lb.lb.tcpConnections());
            long grown = direct.getMemoryUsed() - before;
            assertTrue(grown < 1024 * 1024, "100 quiet connections took " + grown + " bytes of direct memory");
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    @Test
    void aListenerOnAllAddressesTakesIpv6ClientsToo() throws Exception {
        // an IPv4 address gets an IPv4 socket; 0.0.0.0 must stay dual-stack
        InetAddress v6 = InetAddress.getByName("::1");
        try (ServerSocket probe = new ServerSocket(0, 1, v6)) {
            assumeTrue(probe.isBound());
        } catch (IOException e) {
            assumeTrue(false, "no IPv6 loopback: " + e);
        }
        int listen = freePort();
        TestConfig config = new TestConfig();
        config.tcpBind = "0.0.0.0";
        try (TcpBackend a = TcpBackend.echo("a"); LbFixture lb = new LbFixture(config)) {
            lb.put(tcp("kv", "kv-a", a.port(), listen));
            for (InetAddress client : List.of(InetAddress.getByName("127.0.0.1"), v6)) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(client, listen), 5000);
                    s.setSoTimeout(10_000);
                    assertEquals("a", line(s.getInputStream()), "through " + client);
                }
            }
        }
    }

    private static long rssKb() throws IOException {
        for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    @Test
    void consistentHashKeepsAClientOnOneEndpoint() throws Exception {
        int listen = freePort();
        try (TcpBackend a = TcpBackend.echo("a"); TcpBackend b = TcpBackend.echo("b"); LbFixture lb = new LbFixture()) {
            lb.put(LbFixture.endpoint("kv", "kv-a", a.port()).portName("redis").tcpPort(listen).strategy("consistent-hash").build(),
                    LbFixture.endpoint("kv", "kv-b", b.port()).portName("redis").tcpPort(listen).strategy("consistent-hash").build());
            Set<String> names = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                names.add(exchange(listen));
            }
            assertEquals(1, names.size(), names.toString());
        }
    }

    @Test
    void twoServicesAskingForOnePortTheFirstKeepsIt() throws Exception {
        int listen = freePort();
        try (TcpBackend a = TcpBackend.echo("a"); TcpBackend b = TcpBackend.echo("b"); LbFixture lb = new LbFixture()) {
            lb.put(tcp("first", "first-1", a.port(), listen));
            lb.put(tcp("second", "second-1", b.port(), listen));
            assertEquals(Map.of(listen, "first"), lb.lb.tcpListeners());
            for (int i = 0; i < 4; i++) {
                assertEquals("a", exchange(listen));
            }
        }
    }

    @Test
    void aTakenPortIsLoggedAndRetriedWhenTheServiceChanges() throws Exception {
        int listen = freePort();
        try (TcpBackend a = TcpBackend.echo("a"); TcpBackend other = TcpBackend.echo("other"); LbFixture lb = new LbFixture()) {
            ServerSocket squatter = new ServerSocket(listen, 1, InetAddress.getLoopbackAddress());
            Endpoint ea = tcp("kv", "kv-a", a.port(), listen);
            Endpoint http = LbFixture.endpoint("web", "web-1", other.port()).build();
            lb.put(ea);
            assertTrue(lb.lb.tcpListeners().isEmpty());
            squatter.close();
            lb.put(ea.toBuilder().weight(2).build()); // the service changes: tried again
            assertEquals(Map.of(listen, "kv"), lb.lb.tcpListeners());
            assertEquals("a", exchange(listen));
            lb.put(http);
            assertEquals(Map.of(listen, "kv"), lb.lb.tcpListeners(), "nothing else affected");
        }
    }

    @Test
    void theListenerClosesWithItsLastEndpointWhileItsConnectionsFinish() throws Exception {
        int listen = freePort();
        try (TcpBackend a = TcpBackend.echo("a"); LbFixture lb = new LbFixture()) {
            Endpoint ea = tcp("kv", "kv-a", a.port(), listen);
            lb.put(ea);
            try (Socket s = connect(listen)) {
                assertEquals("a", line(s.getInputStream()));
                lb.remove(ea);
                assertTrue(lb.lb.tcpListeners().isEmpty());
                assertFalse(reachable(listen), "the port is closed");
                s.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                assertEquals("bye\n", new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII));
            }
            lb.put(ea);
            assertEquals("a", exchange(listen), "opened again when an endpoint asks again");
        }
    }

    @Test
    void aChangeTouchesTheOldAndTheNewPortOfAnEndpointAndLeavesOthersServing() throws Exception {
        int one = freePort();
        int two = freePort();
        int three = freePort();
        try (TcpBackend a = TcpBackend.echo("a"); TcpBackend b = TcpBackend.echo("b"); TcpBackend c = TcpBackend.echo("c");
                LbFixture lb = new LbFixture()) {
            Endpoint ea = tcp("kv", "kv-a", a.port(), one);
            Endpoint ec = tcp("cache", "cache-c", c.port(), three);
            lb.put(ea, ec);
            assertEquals(Map.of(one, "kv", three, "cache"), lb.lb.tcpListeners());
            lb.put(ea.toBuilder().tcpPort(two).build()); // moved: the old port closes, the new one opens
            assertEquals(Map.of(two, "kv", three, "cache"), lb.lb.tcpListeners());
            assertFalse(reachable(one), "the old port is closed");
            assertEquals("a", exchange(two));
            assertEquals("c", exchange(three), "the untouched listener still serves");
            // a second service on the kept port: a conflict; when the keeper leaves, it takes the port
            Endpoint eb = tcp("other", "other-b", b.port(), two);
            lb.put(eb);
            assertEquals(Map.of(two, "kv", three, "cache"), lb.lb.tcpListeners());
            assertEquals("a", exchange(two));
            lb.remove(ea.toBuilder().tcpPort(two).build());
            assertEquals(Map.of(two, "other", three, "cache"), lb.lb.tcpListeners());
            assertEquals("b", exchange(two));
            lb.remove(ec);
            assertEquals(Map.of(two, "other"), lb.lb.tcpListeners());
        }
    }

    private static boolean reachable(int port) {
        for (int i = 0; i < 20; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            } catch (IOException refused) {
                return false;
            }
            try {
                Thread.sleep(50); // the loops let go of the socket at their next select
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return true;
    }
}
