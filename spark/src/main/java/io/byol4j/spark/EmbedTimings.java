package io.byol4j.spark;

import java.io.Serializable;
import java.util.Locale;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Where the embedding stage's time goes, summed over all tasks with Spark accumulators: reading the input rows
 * (file read, join, row conversion: everything before the embedder), decoding + preprocessing (on the decode
 * threads), inference, and the stages after the embedder (conversion and Parquet writing). Created on the driver,
 * added to on the executors.
 */
final class EmbedTimings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final LongAccumulator upstreamNanos;
    private final LongAccumulator decodeNanos;
    private final LongAccumulator waitNanos;
    private final LongAccumulator inferenceNanos;
    private final LongAccumulator downstreamNanos;
    private final LongAccumulator images;

    EmbedTimings(SparkContext sc) {
        upstreamNanos = sc.longAccumulator("byol4j.read_ns");
        decodeNanos = sc.longAccumulator("byol4j.decode_ns");
        waitNanos = sc.longAccumulator("byol4j.decode_wait_ns");
        inferenceNanos = sc.longAccumulator("byol4j.inference_ns");
        downstreamNanos = sc.longAccumulator("byol4j.write_ns");
        images = sc.longAccumulator("byol4j.images");
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
     * One line: each part in seconds (summed over threads) and milliseconds per image, and the tasks' run time
     * that none of them explains (task set-up, Parquet commit, waiting for decoded batches counted apart).
     */
    String summary(double taskRunSeconds) {
        long n = Math.max(1, images.value());
        double read = upstreamNanos.value() / 1e9;
        double decode = decodeNanos.value() / 1e9;
        double wait = waitNanos.value() / 1e9;
        double inference = inferenceNanos.value() / 1e9;
        double write = downstreamNanos.value() / 1e9;
        double other = Math.max(0, taskRunSeconds - read - wait - inference - write);
        return String.format(
                Locale.ROOT,
                "spark-embed: time split over %d images (s summed over threads; ms/image): read input %.2f (%.3f),"
                        + " decode+preprocess %.2f (%.3f, on decode threads), waiting for decode %.2f (%.3f),"
                        + " inference %.2f (%.3f),"
                        + " convert+write %.2f (%.3f), other task time %.2f (%.3f); task run time %.2f",
                images.value(),
                read,
                1e3 * read / n,
                decode,
                1e3 * decode / n,
                wait,
                1e3 * wait / n,
                inference,
                1e3 * inference / n,
                write,
                1e3 * write / n,
                other,
                1e3 * other / n,
                taskRunSeconds);
    }
}
