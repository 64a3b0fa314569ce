package io.byol4j.sdk.encoder;

/**
 * Counters of a {@link DynamicBatcher} since it started; a consistent-enough snapshot for metrics
 * (each counter is read atomically, not all of them together).
 *
 * @param submitted requests accepted into the queue
 * @param rejected requests refused because the queue was full or the batcher closed
 * @param expired requests whose deadline passed before they were run; they were not embedded
 * @param succeeded requests completed with an embedding
 * @param failed requests that were run (or preprocessed) but completed exceptionally
 * @param batches encoder calls made
 * @param batchedImages images sent to the encoder in those calls, retries of a failed batch included
 * @param largestBatch most images in one encoder call
 * @param queued requests waiting right now
 */
public record BatcherStats(
        long submitted,
        long rejected,
        long expired,
        long succeeded,
        long failed,
        long batches,
        long batchedImages,
        int largestBatch,
        int queued) {

    /** Mean images per encoder call, 0 before the first batch. */
    public double meanBatchSize() {
        return batches == 0 ? 0 : (double) batchedImages / batches;
    }
}
