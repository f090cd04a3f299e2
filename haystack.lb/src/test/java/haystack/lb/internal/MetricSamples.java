package haystack.lb.internal;

import java.util.ArrayList;
import java.util.List;

import haystack.api.metrics.MetricsSource;
import haystack.api.metrics.MetricsWriter;

/** Every sample a metrics source writes, as "name{labels} value". */
final class MetricSamples implements MetricsWriter {

    final List<String> lines = new ArrayList<>();
    final List<String> families = new ArrayList<>();

    static MetricSamples of(MetricsSource source) {
        MetricSamples s = new MetricSamples();
        source.collect(s);
        return s;
    }

    @Override
    public void family(String name, Type type, String help) {
        families.add(name + " " + type.label());
    }

    @Override
    public void sample(String name, double value, String... labels) {
        StringBuilder b = new StringBuilder(name).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            b.append(i == 0 ? "" : ",").append(labels[i]).append('=').append(labels[i + 1]);
        }
        lines.add(b.append("} ").append((long) value).toString());
    }

    /** The sum of {@code name}'s samples that have the label {@code key=value}. */
    long value(String name, String key, String value) {
        long sum = 0;
        for (String line : lines) {
            int brace = line.indexOf('{');
            String labels = line.substring(brace + 1, line.lastIndexOf('}'));
            if (line.substring(0, brace).equals(name) && List.of(labels.split(",")).contains(key + "=" + value)) {
                sum += Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    boolean has(String line) {
        return lines.contains(line);
    }
}
