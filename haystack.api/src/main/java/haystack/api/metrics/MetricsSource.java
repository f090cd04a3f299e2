package haystack.api.metrics;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service: writes its samples when metrics are scraped. Counting happens on the
 * producer's hot path (LongAdder, {@link Histogram}); this is called only at scrape time,
 * from any thread, and must not block.
 */
@ConsumerType
public interface MetricsSource {

    void collect(MetricsWriter writer);
}
