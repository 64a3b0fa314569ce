package io.byol4j.sdkbench.serve;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one closed-loop load run measured.
 *
 * @param label what ran (e.g. {@code served, batching on})
 * @param concurrency callers in flight at once
 * @param images images that came back with features
 * @param calls calls that succeeded
 * @param failures failed calls by reason (gRPC status code name, or IMAGE_ERROR for a per-image error)
 * @param seconds length of the measured window
 * @param latencyNanos sorted latencies of the successful calls
 */
record LoadResult(
        String label,
        int concurrency,
        long images,
        long calls,
        Map<String, Long> failures,
        double seconds,
        long[] latencyNanos) {

    LoadResult {
        failures = Map.copyOf(new TreeMap<>(failures));
        latencyNanos = latencyNanos.clone();
        Arrays.sort(latencyNanos);
    }

    /** Images per second over the measured window. */
    double throughput() {
        return images / seconds;
    }

    /** Mean latency of the successful calls in milliseconds, NaN without any. */
    double meanMillis() {
        if (latencyNanos.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (long l : latencyNanos) {
            sum += l;
        }
        return sum / latencyNanos.length / 1e6;
    }

    /** The {@code q}-quantile latency in milliseconds (nearest rank), NaN without successful calls. */
    double latencyMillis(double q) {
        if (latencyNanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * latencyNanos.length);
        return latencyNanos[Math.max(0, Math.min(latencyNanos.length - 1, rank - 1))] / 1e6;
    }

    /** Several runs of the same cell as one: counts and windows added, latencies pooled. */
    static LoadResult merge(java.util.List<LoadResult> runs) {
        LoadResult first = runs.get(0);
        long images = 0;
        long calls = 0;
        double seconds = 0;
        Map<String, Long> failures = new TreeMap<>();
        int n = 0;
        for (LoadResult r : runs) {
            images += r.images;
            calls += r.calls;
            seconds += r.seconds;
            r.failures.forEach((k, v) -> failures.merge(k, v, Long::sum));
            n += r.latencyNanos.length;
        }
        long[] latencies = new long[n];
        int at = 0;
        for (LoadResult r : runs) {
            System.arraycopy(r.latencyNanos, 0, latencies, at, r.latencyNanos.length);
            at += r.latencyNanos.length;
        }
        return new LoadResult(first.label, first.concurrency, images, calls, failures, seconds, latencies);
    }

    long failed() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }
}
