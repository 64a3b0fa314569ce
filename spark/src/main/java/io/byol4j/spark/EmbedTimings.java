package io.byol4j.spark;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Where the embedding stage's CPU time goes, summed over all tasks with Spark accumulators: opening the shared
 * encoder, reading the input rows (everything before the embedder), decoding + preprocessing (on the decode
 * threads), inference, the stages after the embedder (row conversion and Parquet writing, per row), and the
 * task's work after its last row (the writer's flush and commit). Thread CPU time, not wall-clock time, so
 * that a busy machine does not inflate the parts; the wall-clock time tasks spent waiting for decoded batches
 * is reported apart. Created on the driver, added to on the executors.
 */
final class EmbedTimings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final LongAccumulator setupNanos;
    private final LongAccumulator finishNanos;
    private final LongAccumulator upstreamNanos;
    private final LongAccumulator decodeNanos;
    private final LongAccumulator waitNanos;
    private final LongAccumulator inferenceNanos;
    private final LongAccumulator downstreamNanos;
    private final LongAccumulator images;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported();

    /** This thread's CPU time in nanoseconds (wall-clock time where the JVM cannot measure it). */
    static long cpuNow() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    EmbedTimings(SparkContext sc) {
        setupNanos = sc.longAccumulator("byol4j.setup_ns");
        finishNanos = sc.longAccumulator("byol4j.finish_ns");
        upstreamNanos = sc.longAccumulator("byol4j.read_ns");
        decodeNanos = sc.longAccumulator("byol4j.decode_ns");
        waitNanos = sc.longAccumulator("byol4j.decode_wait_ns");
        inferenceNanos = sc.longAccumulator("byol4j.inference_ns");
        downstreamNanos = sc.longAccumulator("byol4j.write_ns");
        images = sc.longAccumulator("byol4j.images");
    }

    /** Opening (or finding) the shared encoder at the start of a task. */
    void setup(long nanos) {
        setupNanos.add(nanos);
    }

    /** From a task's last row to its end (the writer's flush and commit). */
    void finish(long nanos) {
        finishNanos.add(nanos);
    }

    void upstream(long nanos) {
        upstreamNanos.add(nanos);
    }

    void decode(long nanos) {
        decodeNanos.add(nanos);
    }

    void decodeWait(long nanos) {
        waitNanos.add(nanos);
    }

    void inference(long nanos, int batchImages) {
        inferenceNanos.add(nanos);
        images.add(batchImages);
    }

    void downstream(long nanos) {
        downstreamNanos.add(nanos);
    }

    /**
     * One line: each part in CPU seconds (summed over threads) and CPU milliseconds per image, the CPU time of
     * the tasks that none of them explains, and the wall-clock seconds tasks waited for decoded batches.
     *
     * @param taskCpuSeconds the tasks' CPU time as Spark measured it (executorCpuTime)
     */
    String summary(double taskCpuSeconds) {
        long n = Math.max(1, images.value());
        double setup = setupNanos.value() / 1e9;
        double read = upstreamNanos.value() / 1e9;
        double decode = decodeNanos.value() / 1e9;
        double inference = inferenceNanos.value() / 1e9;
        double write = downstreamNanos.value() / 1e9;
        double finish = finishNanos.value() / 1e9;
        double other = Math.max(0, taskCpuSeconds - setup - read - inference - write - finish);
        double total = taskCpuSeconds + decode;
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "spark-embed: CPU time over %d images: %.2f s, %.3f ms/image (",
                images.value(),
                total,
                1e3 * total / n));
        String[] names = {
            "decode+preprocess", "inference", "convert+write", "flush+commit", "read input", "encoder open", "other"
        };
        double[] parts = {decode, inference, write, finish, read, setup, other};
        for (int i = 0; i < parts.length; i++) {
            line.append(String.format(
                    Locale.ROOT,
                    "%s%s %.2f s %.0f%%",
                    i == 0 ? "" : ", ",
                    names[i],
                    parts[i],
                    total > 0 ? 100 * parts[i] / total : 0));
        }
        line.append(String.format(
                Locale.ROOT, "); tasks waited %.2f s (wall) for decoded batches", waitNanos.value() / 1e9));
        return line.toString();
    }
}
