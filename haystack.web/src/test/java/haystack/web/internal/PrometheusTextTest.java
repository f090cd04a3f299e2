package haystack.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import haystack.api.metrics.Histogram;
import haystack.api.metrics.MetricsWriter.Type;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void familiesFromSeveralSourcesAreWrittenOnceWithEscapedLabels() {
        PrometheusText t = new PrometheusText();
        t.family("haystack_x_total", Type.COUNTER, "X things");
        t.sample("haystack_x_total", 3, "service", "a\"b\\c\nd");
        t.family("haystack_empty", Type.GAUGE, "nothing");
        t.family("haystack_x_total", Type.COUNTER, "X things");
        t.sample("haystack_x_total", 1.5, "service", "e");
        assertEquals("""
                # HELP haystack_x_total X things
                # TYPE haystack_x_total counter
                haystack_x_total{service="a\\"b\\\\c\\nd"} 3
                haystack_x_total{service="e"} 1.5
                """, t.text());
    }

    @Test
    void histogramsWriteCumulativeBucketsSumAndCount() {
        Histogram h = new Histogram(new double[] {0.1, 1});
        h.observeNanos(50_000_000);
        h.observeNanos(500_000_000);
        h.observeNanos(3_000_000_000L);
        PrometheusText t = new PrometheusText();
        t.family("haystack_d_seconds", Type.HISTOGRAM, "durations");
        h.write(t, "haystack_d_seconds", "service", "s");
        String text = t.text();
        assertTrue(text.contains("haystack_d_seconds_bucket{service=\"s\",le=\"0.1\"} 1\n"), text);
        assertTrue(text.contains("haystack_d_seconds_bucket{service=\"s\",le=\"1.0\"} 2\n"), text);
        assertTrue(text.contains("haystack_d_seconds_bucket{service=\"s\",le=\"+Inf\"} 3\n"), text);
        assertTrue(text.contains("haystack_d_seconds_sum{service=\"s\"} 3.55\n"), text);
        assertTrue(text.contains("haystack_d_seconds_count{service=\"s\"} 3\n"), text);
    }

    @Test
    void badNamesOddLabelsAndSamplesWithoutFamilyAreRefused() {
        PrometheusText t = new PrometheusText();
        assertThrows(IllegalArgumentException.class, () -> t.family("haystack-dash", Type.GAUGE, "x"));
        assertThrows(IllegalArgumentException.class, () -> t.family("9lives", Type.GAUGE, "x"));
        assertThrows(IllegalArgumentException.class, () -> t.sample("haystack_unknown", 1));
        t.family("haystack_ok", Type.GAUGE, "x");
        assertThrows(IllegalArgumentException.class, () -> t.sample("haystack_ok", 1, "service"));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(new double[] {1, 0.5}));
    }
}
