package haystack.lb.internal.codec;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one fuzz input's checks with a hard limit on time (SPEC §5: no input keeps an event
 * loop busy). The codec's loops take no interrupt, so the checks run on a worker thread
 * of their own; one that is not done within the limit is a finding ("unbounded"), and the
 * worker is stopped (Thread.stop, which Java 17 still has; on a Java without it the worker
 * is a daemon left spinning) and replaced, so the next input, or the next test, runs on.
 * <p>
 * Inputs are at most a few kilobytes and the codec is linear in them, so any input takes
 * well under a millisecond; the limit (5 s, {@code -Dhaystack.fuzz.limitMillis}) is for
 * loops that never end, not a benchmark. Fuzzing runs carry libFuzzer's own {@code -timeout}
 * behind it (bench/fuzz/run.sh).
 */
final class Bounded {

    static final long LIMIT_MILLIS = Long.getLong("haystack.fuzz.limitMillis", 5_000);

    /** The checks of one input. */
    @FunctionalInterface
    interface Checks {
        void run() throws Exception;
    }

    private static ExecutorService worker;
    private static volatile Thread workerThread;

    private Bounded() {
    }

    static synchronized void run(Checks checks) throws Exception {
        if (Boolean.getBoolean("haystack.fuzz.direct")) {
            checks.run();
            return;
        }
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "fuzz-checks");
                t.setDaemon(true);
                workerThread = t;
                return t;
            });
        }
        Future<Void> done = worker.submit(() -> {
            checks.run();
            return null;
        });
        try {
            done.get(LIMIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            if (cause instanceof Error x) {
                throw x;
            }
            throw e;
        } catch (TimeoutException e) {
            Thread stuck = workerThread;
            String where = where(stuck);
            worker.shutdownNow();
            worker = null;
            stop(stuck);
            throw Finding.of("unbounded", "no verdict within " + LIMIT_MILLIS + " ms: a loop that does not consume its input"
                    + " (spinning at " + where + ")");
        }
    }

    private static String where(Thread t) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length == 0 ? "?" : trace[0].toString();
    }

    /** Thread.stop, through reflection: deprecated for removal, and gone (throwing) from Java 20 on. */
    private static void stop(Thread t) {
        try {
            Thread.class.getMethod("stop").invoke(t);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // left spinning as a daemon: it ends with the JVM
        }
    }
}
