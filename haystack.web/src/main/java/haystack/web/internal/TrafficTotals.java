package haystack.web.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import haystack.api.metrics.MetricsWriter;

/**
 * The load balancer's counters by service at one moment, read from the metrics sources as
 * /metrics is: requests, requests answered 5xx, and the duration histogram's cumulative
 * bucket counts. Two readings make one {@link TrafficSamples} sample.
 */
final class TrafficTotals implements MetricsWriter {

    static final String REQUESTS = "haystack_http_requests_total";
    static final String DURATION_BUCKET = "haystack_http_request_duration_seconds_bucket";

    /** One service's counters; {@code buckets} maps each upper bound in seconds (+Inf as infinity) to its cumulative count. */
    static final class Service {
        long requests;
        long errors;
        final TreeMap<Double, Long> buckets = new TreeMap<>();
    }

    final Map<String, Service> services = new HashMap<>();

    @Override
    public void family(String name, Type type, String help) {
        // only the sample names matter here
    }

    @Override
    public void sample(String name, double value, String... labels) {
        if (!REQUESTS.equals(name) && !DURATION_BUCKET.equals(name)) {
            return;
        }
        String service = label(labels, "service");
        if (service == null || service.isEmpty()) {
            return; // requests that found no route
        }
        Service s = services.computeIfAbsent(service, k -> new Service());
        if (REQUESTS.equals(name)) {
            s.requests += (long) value;
            if ("5xx".equals(label(labels, "code"))) {
                s.errors += (long) value;
            }
            return;
        }
        String le = label(labels, "le");
        if (le != null) {
            try {
                double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                s.buckets.merge(bound, (long) value, Long::sum);
            } catch (NumberFormatException e) {
                // not a bucket bound: ignored
            }
        }
    }

    static String label(String[] labels, String name) {
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (labels[i].equals(name)) {
                return labels[i + 1];
            }
        }
        return null;
    }
}
