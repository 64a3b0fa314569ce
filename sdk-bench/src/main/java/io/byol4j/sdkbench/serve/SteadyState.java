package io.byol4j.sdkbench.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Warm-up until steady state: runs a mode in back-to-back windows until the mean of the last {@link #WINDOWS}
 * windows agrees with the mean of the {@link #WINDOWS} before them within a tolerance, or a time cap runs out. A fresh JVM (a server in its child process) spends its first seconds
 * interpreting and compiling; a long-running server does not, so the measured rounds start only after its cost per
 * call has stopped falling.
 *
 * <p>The metric is the server process's CPU time per call when it is known (a child JVM: it does not depend on how
 * much of the machine the process got, only on what its code costs), otherwise the throughput.
 */
final class SteadyState {

    /** How many consecutive windows make one span of the comparison. */
    static final int WINDOWS = 3;

    /** One warm-up window: calls per second, and the server's CPU ms per call (NaN when not known). */
    record Window(double throughput, double cpuMsPerCall) {

        double metric() {
            return Double.isNaN(cpuMsPerCall) ? throughput : cpuMsPerCall;
        }
    }

    /** Runs one window of load and measures it. */
    @FunctionalInterface
    interface WindowRun {
        Window run(Duration window) throws Exception;
    }

    /**
     * The warm-up of one mode.
     *
     * @param label the mode
     * @param windows every window in order
     * @param steady whether the last two spans of windows agreed before the cap
     * @param seconds how long the warm-up took
     */
    record Result(String label, List<Window> windows, boolean steady, double seconds) {

        /** One line: verdict, then every window's metric. */
        String describe() {
            StringBuilder sb = new StringBuilder(String.format(
                    Locale.ROOT,
                    "warm-up %-28s %s after %.0f s (%d windows):",
                    label,
                    steady ? "steady" : "NOT steady",
                    seconds,
                    windows.size()));
            for (Window w : windows) {
                sb.append(
                        Double.isNaN(w.cpuMsPerCall())
                                ? String.format(Locale.ROOT, " %.0f/s", w.throughput())
                                : String.format(Locale.ROOT, " %.0f/s %.3fms", w.throughput(), w.cpuMsPerCall()));
            }
            return sb.toString();
        }
    }

    private SteadyState() {}

    /**
     * Whether the metric has stopped moving: the mean of the last {@link #WINDOWS} values differs from the mean of
     * the {@link #WINDOWS} before them by at most {@code tolerance} (a fraction of the earlier mean); false with
     * fewer than twice {@link #WINDOWS} values. Comparing two spans, rather than the spread of one, keeps a metric
     * that is still falling slowly (a JIT still compiling) from passing as steady.
     */
    static boolean steady(List<Double> values, double tolerance) {
        int n = values.size();
        if (n < 2 * WINDOWS) {
            return false;
        }
        double earlier = mean(values.subList(n - 2 * WINDOWS, n - WINDOWS));
        double last = mean(values.subList(n - WINDOWS, n));
        return earlier > 0 && Math.abs(last - earlier) <= tolerance * earlier;
    }

    private static double mean(List<Double> values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.size();
    }

    /**
     * Runs windows of {@code window} until {@link #steady} holds for their metric or {@code max} has passed (at
     * least twice {@link #WINDOWS} windows either way).
     */
    static Result warm(String label, Duration window, Duration max, double tolerance, WindowRun run) throws Exception {
        long start = System.nanoTime();
        List<Window> windows = new ArrayList<>();
        List<Double> metric = new ArrayList<>();
        boolean steady = false;
        while (true) {
            Window w = run.run(window);
            windows.add(w);
            metric.add(w.metric());
            steady = steady(metric, tolerance);
            boolean capped = System.nanoTime() - start >= max.toNanos();
            if (steady || (capped && windows.size() >= 2 * WINDOWS)) {
                break;
            }
        }
        return new Result(label, List.copyOf(windows), steady, (System.nanoTime() - start) / 1e9);
    }
}
