package io.byol4j.sdkbench.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Closed-loop load: {@code concurrency} threads each issue the next call as soon as the previous one returns,
 * for a warm-up (not recorded) and then a measured window. Calls that end inside the window count; so that every
 * thread counts at least one call, a thread with none keeps going and the window is stretched to that call's end
 * (only on a machine too slow for the window). Each thread records its own latencies (no shared
 * state on the hot path); the results are merged at the end.
 */
final class ClosedLoop {

    /** One call; returns how many images came back with features. Throws to record a failed call. */
    @FunctionalInterface
    interface Call {
        int run(int thread, long sequence) throws Exception;
    }

    /** Turns a failed call into a reason for the failure table (e.g. a gRPC status code name). */
    @FunctionalInterface
    interface FailureReason {
        String of(Exception e);
    }

    private ClosedLoop() {}

    static LoadResult run(
            String label, int concurrency, Duration warmup, Duration measure, Call call, FailureReason reason)
            throws InterruptedException {
        long warmupEnd = System.nanoTime() + warmup.toNanos();
        long measureEnd = warmupEnd + measure.toNanos();
        List<Worker> workers = new ArrayList<>(concurrency);
        CountDownLatch done = new CountDownLatch(concurrency);
        AtomicReference<Throwable> crash = new AtomicReference<>();
        for (int t = 0; t < concurrency; t++) {
            Worker w = new Worker(t, call, reason, warmupEnd, measureEnd);
            workers.add(w);
            Thread thread = new Thread(
                    () -> {
                        try {
                            w.loop();
                        } catch (Throwable e) {
                            crash.compareAndSet(null, e);
                        } finally {
                            done.countDown();
                        }
                    },
                    "load-" + label + "-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        long waitNanos = measureEnd - System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        if (!done.await(waitNanos, TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException(label + ": callers still busy 60 s after the window ended");
        }
        if (crash.get() != null) {
            throw new IllegalStateException(label + ": a load thread crashed: " + crash.get(), crash.get());
        }
        long images = 0;
        long calls = 0;
        long lastEnd = measureEnd;
        Map<String, Long> failures = new HashMap<>();
        int total = 0;
        for (Worker w : workers) {
            images += w.images;
            calls += w.count;
            total += w.count;
            lastEnd = Math.max(lastEnd, w.lastEnd);
            w.failures.forEach((k, v) -> failures.merge(k, v, Long::sum));
        }
        long[] latencies = new long[total];
        int at = 0;
        for (Worker w : workers) {
            System.arraycopy(w.latencies, 0, latencies, at, w.count);
            at += w.count;
        }
        return new LoadResult(label, concurrency, images, calls, failures, (lastEnd - warmupEnd) / 1e9, latencies);
    }

    private static final class Worker {
        final int thread;
        final Call call;
        final FailureReason reason;
        final long warmupEnd;
        final long measureEnd;
        long[] latencies = new long[1024];
        int count;
        long images;
        final Map<String, Long> failures = new HashMap<>();
        long lastEnd;

        Worker(int thread, Call call, FailureReason reason, long warmupEnd, long measureEnd) {
            this.thread = thread;
            this.call = call;
            this.reason = reason;
            this.warmupEnd = warmupEnd;
            this.measureEnd = measureEnd;
        }

        void loop() {
            long seq = 0;
            while (true) {
                long start = System.nanoTime();
                if (start >= measureEnd && recorded()) {
                    return;
                }
                int got;
                String failure = null;
                try {
                    got = call.run(thread, seq++);
                } catch (Exception e) {
                    got = 0;
                    failure = reason.of(e);
                }
                long end = System.nanoTime();
                // A call counts when it ended inside the measured window; a thread whose calls are all longer than
                // the window counts its first call after the window, and the window is stretched to its end.
                if (end < warmupEnd || (end > measureEnd && recorded())) {
                    continue;
                }
                lastEnd = Math.max(lastEnd, end);
                if (failure != null) {
                    failures.merge(failure, 1L, Long::sum);
                    continue;
                }
                images += got;
                if (count == latencies.length) {
                    latencies = java.util.Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = end - start;
            }
        }

        boolean recorded() {
            return count > 0 || !failures.isEmpty();
        }
    }
}
