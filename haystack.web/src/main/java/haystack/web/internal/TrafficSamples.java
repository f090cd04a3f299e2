package haystack.web.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard's charts draw: per service, a bounded ring of samples (request rate,
 * 5xx rate, p50 and p99 latency over one period), each from the difference between two
 * readings of the load balancer's counters. A service with no request for a whole ring is
 * forgotten; at most {@code maxServices} are kept, so memory stays bounded however many
 * services come and go.
 */
final class TrafficSamples {

    /** One period of one service: when it ended (ms), requests and 5xx per second, p50 and p99 in ms (NaN without requests). */
    record Sample(long time, double rate, double errorRate, double p50, double p99) {
    }

    private final int capacity;
    private final int maxServices;
    private final Map<String, ArrayDeque<Sample>> rings = new LinkedHashMap<>();
    private final Map<String, TrafficTotals.Service> previous = new java.util.HashMap<>();
    private long previousTime;
    private boolean capped;

    TrafficSamples(int capacity, int maxServices) {
        if (capacity < 2 || maxServices < 1) {
            throw new IllegalArgumentException("samples kept " + capacity + " (2 or more) and services " + maxServices + " (1 or more)");
        }
        this.capacity = capacity;
        this.maxServices = maxServices;
    }

    /**
     * Adds one sample per service from {@code now}'s totals (the first reading only sets the
     * base). Returns the samples added, by service.
     */
    synchronized Map<String, Sample> add(long now, Map<String, TrafficTotals.Service> totals) {
        Map<String, Sample> added = new TreeMap<>();
        if (previousTime != 0 && now > previousTime) {
            double seconds = (now - previousTime) / 1000.0;
            for (Map.Entry<String, TrafficTotals.Service> t : totals.entrySet()) {
                TrafficTotals.Service before = previous.get(t.getKey());
                Sample s = sample(now, seconds, before, t.getValue());
                ArrayDeque<Sample> ring = rings.get(t.getKey());
                if (ring == null) {
                    if (s.rate() == 0 && before != null) {
                        continue; // idle and not charted: nothing to keep
                    }
                    if (rings.size() >= maxServices) {
                        capped = true;
                        continue;
                    }
                    ring = new ArrayDeque<>(capacity);
                    rings.put(t.getKey(), ring);
                }
                ring.addLast(s);
                while (ring.size() > capacity) {
                    ring.removeFirst();
                }
                added.put(t.getKey(), s);
            }
            // a service gone from the counters, or idle for a whole ring, leaves the charts
            Iterator<Map.Entry<String, ArrayDeque<Sample>>> it = rings.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, ArrayDeque<Sample>> r = it.next();
                if (!totals.containsKey(r.getKey()) || (r.getValue().size() == capacity && r.getValue().stream().allMatch(s -> s.rate() == 0))) {
                    it.remove();
                }
            }
        }
        previous.clear();
        previous.putAll(totals);
        previousTime = now;
        return added;
    }

    /** Whether a service was left out because {@code maxServices} were charted already. */
    synchronized boolean capped() {
        return capped;
    }

    synchronized Map<String, List<Sample>> all() {
        Map<String, List<Sample>> out = new TreeMap<>();
        rings.forEach((service, ring) -> out.put(service, new ArrayList<>(ring)));
        return out;
    }

    private static Sample sample(long now, double seconds, TrafficTotals.Service before, TrafficTotals.Service after) {
        long requests = after.requests - (before == null ? 0 : before.requests);
        long errors = after.errors - (before == null ? 0 : before.errors);
        // counters restart when the load balancer restarts: a negative difference is a new start
        TrafficTotals.Service base = requests < 0 || errors < 0 ? null : before;
        if (base == null) {
            requests = after.requests;
            errors = after.errors;
        }
        TreeMap<Double, Long> delta = new TreeMap<>();
        after.buckets.forEach((bound, n) -> delta.put(bound, Math.max(0, n - (base == null ? 0 : base.buckets.getOrDefault(bound, 0L)))));
        return new Sample(now, requests / seconds, errors / seconds, quantileMillis(delta, 0.5), quantileMillis(delta, 0.99));
    }

    /**
     * The {@code q} quantile in milliseconds from cumulative bucket counts, interpolated
     * linearly inside its bucket (as Prometheus' histogram_quantile does); NaN for no
     * observation, the highest finite bound when it falls in the +Inf bucket.
     */
    static double quantileMillis(TreeMap<Double, Long> cumulative, double q) {
        if (cumulative.isEmpty()) {
            return Double.NaN;
        }
        long total = cumulative.lastEntry().getValue();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        long lowerCount = 0;
        for (Map.Entry<Double, Long> b : cumulative.entrySet()) {
            if (b.getValue() >= rank) {
                if (b.getKey().isInfinite()) {
                    return lowerBound * 1000;
                }
                long inBucket = b.getValue() - lowerCount;
                double fraction = inBucket == 0 ? 1 : (rank - lowerCount) / inBucket;
                return (lowerBound + (b.getKey() - lowerBound) * fraction) * 1000;
            }
            lowerBound = b.getKey();
            lowerCount = b.getValue();
        }
        return lowerBound * 1000;
    }
}
