package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** A configuration change under load drops no connection and fails no request (issue 12: 132 socket errors before). */
class LiveConfigTest {

    private static String get(Socket s) throws Exception {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: echo.services.haystack\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return RawHttp.readResponse(s.getInputStream(), false).lines().findFirst().orElse("(closed)");
    }

    @Test
    void settingsAndAMovedPortApplyWithoutAFailedRequest() throws Exception {
        TestConfig first = new TestConfig();
        try (LbFixture lb = new LbFixture(first); TestBackends.Echo echo = new TestBackends.Echo()) {
            lb.put(LbFixture.endpoint("echo", "echo-1", echo.port()).build());
            int httpPort = lb.lb.httpPort();
            int altPort = lb.lb.httpAltPort();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread client = new Thread(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> r = lb.get("echo.services.haystack", "/");
                            if (r.statusCode() == 200) {
                                ok.incrementAndGet();
                            } else {
                                failures.add("status " + r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                });
                client.start();
                clients.add(client);
            }
            try (Socket kept = new Socket(InetAddress.getLoopbackAddress(), httpPort)) {
                kept.setSoTimeout(5000);
                assertEquals("HTTP/1.1 200 OK", get(kept));
                for (int round = 0; round < 10; round++) {
                    TestConfig next = new TestConfig();
                    next.httpPort = httpPort;
                    next.httpAltPort = round == 5 ? 0 : (round > 5 ? lb.lb.httpAltPort() : altPort);
                    next.idleTimeout = 3000 + round * 100;
                    next.headTimeout = 2000 + round;
                    next.connectTimeout = 1000 + round;
                    next.accessLog = round % 2 == 0;
                    lb.lb.modified(next);
                    Thread.sleep(150);
                }
                assertEquals("HTTP/1.1 200 OK", get(kept), "a connection open through every change is still served");
            } finally {
                running.set(false);
                for (Thread client : clients) {
                    client.join(10_000);
                }
            }
            assertTrue(failures.isEmpty(), failures.size() + " failed requests, first: " + failures.peek());
            assertTrue(ok.get() > 40, "requests served during the changes: " + ok.get());
            assertEquals(httpPort, lb.lb.httpPort(), "the http listener was kept");
            assertNotEquals(altPort, lb.lb.httpAltPort(), "the http-alt listener moved");
            try (Socket moved = new Socket(InetAddress.getLoopbackAddress(), lb.lb.httpAltPort())) {
                moved.setSoTimeout(5000);
                moved.getOutputStream().write("GET / HTTP/1.1\r\nHost: nobody\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertTrue(RawHttp.readResponse(moved.getInputStream(), false).startsWith("HTTP/1.1 404"), "the new port serves");
            }
        }
    }

    @Test
    void aChangeThatCannotApplyKeepsTheRunningConfiguration() throws Exception {
        try (LbFixture lb = new LbFixture(new TestConfig()); Socket taken = new Socket()) {
            TestConfig bad = new TestConfig();
            bad.idleTimeout = -1;
            lb.lb.modified(bad);
            TestConfig clash = new TestConfig();
            clash.httpPort = lb.lb.httpAltPort();
            int before = lb.lb.httpPort();
            lb.lb.modified(clash);
            assertEquals(before, lb.lb.httpPort(), "a port that cannot be bound leaves the listener where it was");
        }
    }
}
