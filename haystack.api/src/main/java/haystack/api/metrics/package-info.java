/**
 * Metrics: bundles keep their own cheap counters and histograms and publish a
 * {@link haystack.api.metrics.MetricsSource} whiteboard service; the admin bundle writes
 * every source's samples, in Prometheus text format, when it is scraped.
 */
@Export
@Version("1.0.0")
package haystack.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
