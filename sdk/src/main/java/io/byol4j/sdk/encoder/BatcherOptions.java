package io.byol4j.sdk.encoder;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link DynamicBatcher} groups single-image requests into batches. Build with {@link #builder()};
 * {@link #defaults()} is batches of up to 32 images, at most 5 ms of waiting for a batch to fill, room
 * for 1024 queued requests and one worker thread.
 *
 * @param maxBatchSize most requests embedded in one {@link Encoder} call; best kept at or below the
 *     encoder's own {@link EncoderOptions#batchSize()}, which would otherwise split the batch
 * @param maxQueueDelay longest time a batch waits to fill, counted from when its oldest request was
 *     queued; zero sends whatever is queued at once
 * @param queueCapacity most requests waiting at any time; further requests are rejected
 * @param workers threads that run batches (each runs one batch at a time)
 */
public record BatcherOptions(int maxBatchSize, Duration maxQueueDelay, int queueCapacity, int workers) {

    /** Default {@link #maxBatchSize()}. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 32;
    /** Default {@link #maxQueueDelay()}. */
    public static final Duration DEFAULT_MAX_QUEUE_DELAY = Duration.ofMillis(5);
    /** Default {@link #queueCapacity()}. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    /** Validates the options. */
    public BatcherOptions {
        Objects.requireNonNull(maxQueueDelay, "maxQueueDelay");
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, got " + maxBatchSize);
        }
        if (maxQueueDelay.isNegative()) {
            throw new IllegalArgumentException("maxQueueDelay must not be negative, got " + maxQueueDelay);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
    }

    /** Batches of up to 32, 5 ms queue delay, capacity 1024, one worker. */
    public static BatcherOptions defaults() {
        return builder().build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder()
                .maxBatchSize(maxBatchSize)
                .maxQueueDelay(maxQueueDelay)
                .queueCapacity(queueCapacity)
                .workers(workers);
    }

    /** Mutable builder for {@link BatcherOptions}; {@link #build()} validates. */
    public static final class Builder {
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private Duration maxQueueDelay = DEFAULT_MAX_QUEUE_DELAY;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private int workers = 1;

        private Builder() {}

        /** Most requests per batch. */
        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        /** Longest wait for a batch to fill, from when its oldest request was queued. */
        public Builder maxQueueDelay(Duration maxQueueDelay) {
            this.maxQueueDelay = maxQueueDelay;
            return this;
        }

        /** Most requests waiting at any time. */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        /** Threads that run batches. */
        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** The validated options. */
        public BatcherOptions build() {
            return new BatcherOptions(maxBatchSize, maxQueueDelay, queueCapacity, workers);
        }
    }
}
