package haystack.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;

import haystack.api.metrics.Histogram;
import org.junit.jupiter.api.Test;

/** Samples from two readings of real counters: rates, quantiles, bounds, a counter reset. */
class TrafficSamplesTest {

    /** The totals a load balancer with these counters reports, read as the sampler reads them. */
    private static Map<String, TrafficTotals.Service> read(String service, long ok, long errors, Histogram durations) {
        TrafficTotals totals = new TrafficTotals();
        totals.sample(TrafficTotals.REQUESTS, ok, "service", service, "endpoint", "127.0.0.1:80", "code", "2xx");
        totals.sample(TrafficTotals.REQUESTS, errors, "service", service, "endpoint", "127.0.0.1:80", "code", "5xx");
        totals.sample(TrafficTotals.REQUESTS, 99, "service", "", "endpoint", "", "code", "4xx"); // no route: not a service
        durations.write(totals, "haystack_http_request_duration_seconds", "service", service);
        return totals.services;
    }

    @Test
    void ratesAndQuantilesComeFromTheDifferenceBetweenTwoReadings() {
        TrafficSamples samples = new TrafficSamples(5, 10);
        Histogram h = new Histogram();
        for (int i = 0; i < 1000; i++) {
            h.observeNanos(3_000_000); // 3 ms before the first reading: not in the sample
        }
        assertEquals(Map.of(), samples.add(10_000, read("web", 1000, 0, h)), "the first reading is the base");
        for (int i = 0; i < 98; i++) {
            h.observeNanos(20_000_000); // 98 requests in (10, 25] ms
        }
        h.observeNanos(2_000_000_000L);
        h.observeNanos(2_000_000_000L); // 2 in (1, 2.5] s
        TrafficSamples.Sample s = samples.add(12_000, read("web", 1090, 10, h)).get("web");
        assertEquals(50.0, s.rate(), 1e-9, "100 requests in 2 s");
        assertEquals(5.0, s.errorRate(), 1e-9);
        assertTrue(s.p50() > 10 && s.p50() <= 25, "p50 " + s.p50());
        assertTrue(s.p99() > 1000 && s.p99() <= 2500, "p99 " + s.p99());
        assertEquals(1, samples.all().get("web").size());
        assertEquals(false, samples.all().containsKey(""));
    }

    @Test
    void ringsAndServicesAreBoundedAndIdleOrGoneServicesForgotten() {
        TrafficSamples samples = new TrafficSamples(3, 2);
        Histogram h = new Histogram();
        Map<String, TrafficTotals.Service> three = new TreeMap<>();
        samples.add(1000, three);
        long n = 0;
        for (int t = 2; t <= 6; t++) {
            n += 10;
            three = new TreeMap<>();
            three.putAll(read("a", n, 0, h));
            three.putAll(read("b", n, 0, h));
            three.putAll(read("c", n, 0, h));
            samples.add(t * 1000L, three);
        }
        assertEquals(2, samples.all().size(), "at most two services");
        assertTrue(samples.capped());
        assertEquals(3, samples.all().get("a").size(), "at most three samples");
        // a restarted load balancer: counters start again, no negative rate
        TrafficSamples.Sample after = samples.add(7000, read("a", 4, 0, h)).get("a");
        assertEquals(4.0, after.rate(), 1e-9);
        assertEquals(1, samples.all().size(), "b is gone from the counters: forgotten");
        for (int t = 8; t <= 10; t++) {
            samples.add(t * 1000L, read("a", 4, 0, h));
        }
        assertEquals(0, samples.all().size(), "idle for a whole ring: forgotten");
    }

    @Test
    void quantileOfNothingIsNotANumberAndOfTheLastBucketItsLowerBound() {
        TreeMap<Double, Long> none = new TreeMap<>(Map.of(0.1, 0L, Double.POSITIVE_INFINITY, 0L));
        assertTrue(Double.isNaN(TrafficSamples.quantileMillis(none, 0.5)));
        TreeMap<Double, Long> slow = new TreeMap<>(Map.of(0.1, 0L, 10.0, 0L, Double.POSITIVE_INFINITY, 5L));
        assertEquals(10_000, TrafficSamples.quantileMillis(slow, 0.99), 1e-9);
    }
}
