package haystack.web.internal;

import java.util.Map;
import java.util.TreeMap;

import haystack.api.metrics.MetricsWriter;

/**
 * The few totals the dashboard turns into rates, read from the same metrics sources as
 * /metrics: requests by service and DNS queries. The dashboard divides the difference
 * between two polls by the time between them.
 */
final class Stats implements MetricsWriter {

    static final String REQUESTS = "haystack_http_requests_total";
    static final String DNS_QUERIES = "haystack_dns_queries_total";

    final Map<String, Long> requestsByService = new TreeMap<>();
    long requests;
    long dnsQueries;

    @Override
    public void family(String name, Type type, String help) {
        // only the sample names matter here
    }

    @Override
    public void sample(String name, double value, String... labels) {
        if (REQUESTS.equals(name)) {
            long n = (long) value;
            requests += n;
            String service = label(labels, "service");
            if (service != null && !service.isEmpty()) {
                requestsByService.merge(service, n, Long::sum);
            }
        } else if (DNS_QUERIES.equals(name)) {
            dnsQueries += (long) value;
        }
    }

    private static String label(String[] labels, String name) {
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (labels[i].equals(name)) {
                return labels[i + 1];
            }
        }
        return null;
    }
}
