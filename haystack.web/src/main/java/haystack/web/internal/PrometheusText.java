package haystack.web.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import haystack.api.metrics.MetricsWriter;

/**
 * Collects samples from every source into families and writes them in the Prometheus text
 * exposition format 0.0.4: one HELP and TYPE line per family, its samples after it, even
 * when several sources contribute to one family.
 */
final class PrometheusText implements MetricsWriter {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private record Family(String name, Type type, String help, List<String> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();
    private Family last;

    @Override
    public void family(String name, Type type, String help) {
        if (!validName(name)) {
            throw new IllegalArgumentException("metric name '" + name + "' is not [a-zA-Z_:][a-zA-Z0-9_:]*");
        }
        last = families.computeIfAbsent(name, n -> new Family(n, type, help, new ArrayList<>()));
    }

    @Override
    public void sample(String name, double value, String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels of " + name + " must be name, value pairs; got " + labels.length + " strings");
        }
        Family f = familyOf(name);
        StringBuilder line = new StringBuilder(name);
        if (labels.length > 0) {
            line.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    line.append(',');
                }
                line.append(labels[i]).append("=\"");
                escape(line, labels[i + 1]);
                line.append('"');
            }
            line.append('}');
        }
        line.append(' ').append(format(value));
        f.samples().add(line.toString());
    }

    private Family familyOf(String sample) {
        Family f = families.get(sample);
        if (f == null) {
            for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
                if (sample.endsWith(suffix)) {
                    f = families.get(sample.substring(0, sample.length() - suffix.length()));
                    if (f != null) {
                        break;
                    }
                }
            }
        }
        if (f == null) {
            throw new IllegalArgumentException("sample " + sample + " has no family: call family() first");
        }
        return f;
    }

    /** Every family with its samples; families without a sample are left out. */
    String text() {
        StringBuilder out = new StringBuilder(4096);
        for (Family f : families.values()) {
            if (f.samples().isEmpty()) {
                continue;
            }
            out.append("# HELP ").append(f.name()).append(' ').append(f.help().replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            out.append("# TYPE ").append(f.name()).append(' ').append(f.type().label()).append('\n');
            f.samples().forEach(s -> out.append(s).append('\n'));
        }
        return out.toString();
    }

    static boolean validName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void escape(StringBuilder out, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? (v > 0 ? "+Inf" : "-Inf") : Double.toString(v);
    }
}
