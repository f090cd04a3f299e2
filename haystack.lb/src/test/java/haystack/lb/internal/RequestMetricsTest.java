package haystack.lb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import haystack.testing.HttpdContainer;
import haystack.testing.RequiresDocker;
import org.junit.jupiter.api.Test;

/** Requests through the balancer to a real httpd container move the counters the load balancer publishes. */
@RequiresDocker
class RequestMetricsTest {

    private static long connections(LbFixture lb) {
        MetricSamples s = new MetricSamples();
        lb.lb.collect(s);
        return s.lines.stream().filter(l -> l.startsWith("haystack_http_active_connections{listener=http} "))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
    }

    @Test
    void requestsAreCountedByServiceEndpointAndStatusClass() throws Exception {
        HttpdContainer web = new HttpdContainer("metrics-a");
        web.start();
        TestConfig config = new TestConfig();
        config.accessLog = true;
        try (LbFixture lb = new LbFixture(config)) {
            lb.put(LbFixture.endpoint("counted", "metrics-a", web.getFirstMappedPort()).containerId(web.getContainerId()).build());
            for (int i = 0; i < 5; i++) {
                assertEquals("metrics-a", lb.body("counted.services.haystack", "/"));
            }
            assertEquals(404, lb.get("counted.services.haystack", "/missing").statusCode());
            assertEquals(404, lb.get("nobody.services.haystack", "/").statusCode());

            // a response reaches the client before its exchange's completion is counted
            MetricSamples s = new MetricSamples();
            lb.lb.collect(s);
            for (int i = 0; i < 100 && !s.has("haystack_http_requests_in_flight{} 0"); i++) {
                Thread.sleep(20);
                s = new MetricSamples();
                lb.lb.collect(s);
            }
            String endpoint = "127.0.0.1:" + web.getFirstMappedPort();
            assertTrue(s.has("haystack_http_requests_total{service=counted,endpoint=" + endpoint + ",code=2xx} 5"), s.lines::toString);
            assertTrue(s.has("haystack_http_requests_total{service=counted,endpoint=" + endpoint + ",code=4xx} 1"), s.lines::toString);
            assertTrue(s.has("haystack_http_requests_total{service=,endpoint=,code=4xx} 1"), s.lines::toString);
            assertTrue(s.has("haystack_http_request_duration_seconds_count{service=counted} 6"), s.lines::toString);
            assertTrue(s.has("haystack_http_request_duration_seconds_bucket{service=counted,le=+Inf} 6"), s.lines::toString);
            assertTrue(s.has("haystack_http_requests_in_flight{} 0"), s.lines::toString);
            assertTrue(s.families.contains("haystack_http_active_connections gauge"), s.families::toString);

            long before = connections(lb);
            try (java.net.Socket raw = new java.net.Socket("127.0.0.1", lb.lb.httpPort())) {
                raw.getOutputStream().write("GET / HTTP/1.1\r\nHost: counted.services.haystack\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] head = new byte[4096];
                int n = raw.getInputStream().read(head);
                assertTrue(n > 0 && new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
                assertEquals(before + 1, connections(lb), "the kept-alive connection is counted");
            }
            for (int i = 0; i < 100 && connections(lb) != before; i++) {
                Thread.sleep(50);
            }
            assertEquals(before, connections(lb), "a closed connection is no longer counted");

            // the endpoint leaves: its series end at the next scrape, the unrouted ones stay
            lb.remove(LbFixture.endpoint("counted", "metrics-a", web.getFirstMappedPort()).containerId(web.getContainerId()).build());
            MetricSamples after = new MetricSamples();
            lb.lb.collect(after);
            for (int i = 0; i < 100 && after.lines.stream().anyMatch(l -> l.contains("service=counted")); i++) {
                Thread.sleep(50);
                after = new MetricSamples();
                lb.lb.collect(after);
            }
            assertTrue(after.lines.stream().noneMatch(l -> l.contains("service=counted")), after.lines::toString);
            assertTrue(after.has("haystack_http_requests_total{service=,endpoint=,code=4xx} 1"), after.lines::toString);
        } finally {
            web.stop();
        }
    }
}
