package haystack.etcd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import haystack.testing.EtcdServer;
import haystack.testing.RequiresEtcd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway client against a real etcd, and against servers that misbehave. */
@RequiresEtcd
class EtcdClientTest {

    @TempDir
    static Path dir;
    static EtcdServer etcd;

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdServer.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        etcd.close();
    }

    private static EtcdClient client(String... urls) {
        return new EtcdClient(EtcdDiscovery.endpoints(urls), Duration.ofSeconds(3));
    }

    @Test
    void keysLeasesAndTheirErrorsAsEtcdSaysThem() throws Exception {
        EtcdClient c = client(etcd.url());
        EtcdClient.Lease lease = c.grant(30);
        assertEquals(30, lease.ttl());
        c.put("/t/a", "{\"x\":\"é\"}", lease.id());
        c.put("/t/b", "two", 0);
        EtcdClient.Range r = c.range("/t/", "/t0");
        assertEquals(List.of("/t/a", "/t/b"), r.kvs().stream().map(KeyValue::key).toList());
        assertEquals("{\"x\":\"é\"}", r.kvs().get(0).value());
        assertEquals(lease.id(), r.kvs().get(0).lease());
        assertTrue(r.revision() >= 2);
        assertTrue(c.keepAlive(lease.id()) > 0);
        c.revoke(lease.id());
        assertEquals(0, c.keepAlive(lease.id()), "a revoked lease keeps nothing alive");
        assertEquals(List.of("/t/b"), c.range("/t/", "/t0").kvs().stream().map(KeyValue::key).toList());
        c.revoke(lease.id()); // gone already: fine
        EtcdException x = assertThrows(EtcdException.class, () -> c.put("/t/c", "v", lease.id()));
        assertEquals(EtcdException.NOT_FOUND, x.code(), x.getMessage());
        c.delete("/t/b");
        assertTrue(c.range("/t/", "/t0").kvs().isEmpty());
    }

    @Test
    void aTransactionWritesAndDeletesAllAtOnce() throws Exception {
        EtcdClient c = client(etcd.url());
        EtcdClient.Lease lease = c.grant(30);
        c.put("/x/old", "v", 0);
        List<EtcdClient.Write> writes = new java.util.ArrayList<>();
        for (int i = 0; i < EtcdClient.MAX_TXN_WRITES - 1; i++) {
            writes.add(new EtcdClient.Write("/x/k" + i, "value " + i));
        }
        writes.add(new EtcdClient.Write("/x/old", null));
        c.txn(writes, lease.id());
        List<KeyValue> kvs = c.range("/x/", "/x0").kvs();
        assertEquals(EtcdClient.MAX_TXN_WRITES - 1, kvs.size());
        assertTrue(kvs.stream().allMatch(kv -> kv.lease() == lease.id() && kv.value().startsWith("value ")));
        c.revoke(lease.id());
        EtcdException x = assertThrows(EtcdException.class, () -> c.txn(List.of(new EtcdClient.Write("/x/a", "1"), new EtcdClient.Write("/x/b", "2")),
                lease.id()));
        assertEquals(EtcdException.NOT_FOUND, x.code(), x.getMessage());
        assertTrue(c.range("/x/", "/x0").kvs().isEmpty(), "all or nothing");
    }

    @Test
    void anEndpointThatIsDownHandsOverToTheNext() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        EtcdClient c = client("http://127.0.0.1:" + dead, etcd.url());
        c.put("/f/a", "v", 0);
        assertEquals(URI.create(etcd.url() + "/"), c.endpoint());
        EtcdException x = assertThrows(EtcdException.class, () -> client("http://127.0.0.1:" + dead).range("/f/", "/f0"));
        assertEquals(EtcdException.UNAVAILABLE, x.code());
    }

    @Test
    void aServerThatStallsOrFloodsIsCutOffInBoundedTimeAndMemory() throws Exception {
        try (ServerSocket stall = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             ServerSocket flood = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread staller = serve(stall, out -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(10_000);
            });
            Thread flooder = serve(flood, out -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] junk = new byte[64 * 1024];
                for (int i = 0; i < 1600; i++) {
                    out.write(junk);
                }
            });
            long t0 = System.nanoTime();
            assertThrows(EtcdException.class, () -> client("http://127.0.0.1:" + stall.getLocalPort()).put("/k", "v", 0));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos(), "bounded by the deadline (twice 3 s)");
            EtcdException x = assertThrows(EtcdException.class, () -> client("http://127.0.0.1:" + flood.getLocalPort()).put("/k", "v", 0));
            assertTrue(x.getMessage().contains("larger than"), x.getMessage());
            staller.interrupt();
            flooder.interrupt();
        }
    }

    interface Answer {
        void write(OutputStream out) throws Exception;
    }

    private static Thread serve(ServerSocket server, Answer answer) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    answer.write(s.getOutputStream());
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (server.isClosed()) {
                        return;
                    }
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
