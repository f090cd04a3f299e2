package haystack.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Prints how long each of a set of changes took to travel from one point to another (the convergence benches). */
public final class ConvergenceReport {

    private ConvergenceReport() {
    }

    /** One line: p50, p99 and max of {@code to - from} (nanoseconds) over {@code ids}, in milliseconds. */
    public static void print(String what, List<String> ids, Map<String, Long> from, Map<String, Long> to) {
        List<Double> ms = new ArrayList<>();
        for (String id : ids) {
            Long a = from.get(id);
            Long b = to.get(id);
            if (a != null && b != null) {
                ms.add((b - a) / 1e6);
            }
        }
        Collections.sort(ms);
        if (ms.isEmpty()) {
            System.out.printf("%s  no samples%n", what);
            return;
        }
        System.out.printf("%s  n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n", what, ms.size(), percentile(ms, 50),
                percentile(ms, 99), ms.get(ms.size() - 1));
    }

    private static double percentile(List<Double> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }
}
