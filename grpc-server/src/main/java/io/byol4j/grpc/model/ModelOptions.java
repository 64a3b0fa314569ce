package io.byol4j.grpc.model;

import io.byol4j.sdk.encoder.BatcherOptions;
import java.util.Objects;

/**
 * How each served model runs.
 *
 * @param intraOpThreads ONNX Runtime threads inside one operator (0 = the runtime's default)
 * @param batching true: requests of concurrent callers are grouped into batches by a
 *     {@link io.byol4j.sdk.encoder.DynamicBatcher} with {@code batcher}'s options; false: every sample
 *     runs on its own, on the calling thread (the unbatched server)
 * @param batcher batch size, queue delay, queue capacity and worker threads when batching
 * @param intraOpSpinning whether ONNX Runtime's idle intra-op threads spin for the next run; false by default for a
 *     server: spinning threads burn the CPU that decoding and gRPC need on the same cores (measured in the README's
 *     load benchmark)
 */
public record ModelOptions(int intraOpThreads, boolean batching, BatcherOptions batcher, boolean intraOpSpinning) {

    /** Options with ONNX Runtime's intra-op spinning off (the server's default). */
    public ModelOptions(int intraOpThreads, boolean batching, BatcherOptions batcher) {
        this(intraOpThreads, batching, batcher, false);
    }

    /** Validates the options. */
    public ModelOptions {
        Objects.requireNonNull(batcher, "batcher");
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        }
    }

    /** Runtime threads, batching on with the batcher's defaults. */
    public static ModelOptions defaults() {
        return new ModelOptions(0, true, BatcherOptions.defaults());
    }
}
