package haystack.api.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram of durations in seconds, cheap to observe from many threads at
 * once: one LongAdder per bucket, no lock.
 */
public final class Histogram {

    /** Buckets for request and query durations: 0.5 ms to 10 s. */
    public static final double[] DURATION_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final double[] bounds;
    private final LongAdder[] counts;
    private final LongAdder sumNanos = new LongAdder();

    public Histogram() {
        this(DURATION_BUCKETS);
    }

    /** @param bounds upper bounds in seconds, ascending; +Inf is added */
    public Histogram(double[] bounds) {
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must ascend: " + Arrays.toString(bounds));
            }
        }
        this.bounds = bounds.clone();
        this.counts = new LongAdder[bounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void observeNanos(long nanos) {
        double seconds = nanos / 1e9;
        int i = 0;
        while (i < bounds.length && seconds > bounds[i]) {
            i++;
        }
        counts[i].increment();
        sumNanos.add(nanos);
    }

    public long count() {
        long n = 0;
        for (LongAdder c : counts) {
            n += c.sum();
        }
        return n;
    }

    /** Writes {@code name_bucket}, {@code name_sum} and {@code name_count} with these labels (family declared by the caller). */
    public void write(MetricsWriter w, String name, String... labels) {
        String[] withLe = Arrays.copyOf(labels, labels.length + 2);
        withLe[labels.length] = "le";
        long cumulative = 0;
        for (int i = 0; i <= bounds.length; i++) {
            cumulative += counts[i].sum();
            withLe[labels.length + 1] = i == bounds.length ? "+Inf" : Double.toString(bounds[i]);
            w.sample(name + "_bucket", cumulative, withLe);
        }
        w.sample(name + "_sum", sumNanos.sum() / 1e9, labels);
        w.sample(name + "_count", cumulative, labels);
    }
}
