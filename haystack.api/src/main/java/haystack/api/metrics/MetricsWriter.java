package haystack.api.metrics;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives samples at scrape time. Names follow Prometheus conventions: {@code haystack_}
 * prefix, {@code _total} for counters, {@code _seconds} for durations. Labels are given as
 * name, value pairs; values are escaped by the writer.
 */
@ProviderType
public interface MetricsWriter {

    /** Kinds of metric families, as Prometheus' {@code # TYPE} line names them. */
    enum Type {
        COUNTER, GAUGE, HISTOGRAM;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Declares a family before its samples. Declaring the same family again (another
     * source) is allowed: its samples join the first declaration.
     */
    void family(String name, Type type, String help);

    /**
     * One sample of the family declared last under that name; {@code name} may carry a
     * histogram suffix ({@code _bucket}, {@code _sum}, {@code _count}).
     *
     * @param labels name, value, name, value...
     * @throws IllegalArgumentException if {@code labels} has an odd length
     */
    void sample(String name, double value, String... labels);
}
