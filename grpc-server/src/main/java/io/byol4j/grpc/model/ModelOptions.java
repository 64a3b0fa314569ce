package io.byol4j.grpc.model;

import io.byol4j.sdk.encoder.BatcherOptions;
import io.byol4j.sdk.encoder.EncoderOptions;
import io.byol4j.sdk.internal.DeviceRequest;
import java.util.Objects;

/**
 * How each served model runs.
 *
 * @param intraOpThreads ONNX Runtime threads inside one operator (0 = the runtime's default); on a GPU they run the
 *     operators the CUDA provider leaves to the CPU, so the setting is harmless there
 * @param batching true: requests of concurrent callers are grouped into batches by a
 *     {@link io.byol4j.sdk.encoder.DynamicBatcher} with {@code batcher}'s options; false: every sample
 *     runs on its own, on the calling thread (the unbatched server)
 * @param batcher batch size, queue delay, queue capacity and worker threads when batching
 * @param intraOpSpinning whether ONNX Runtime's idle intra-op threads spin for the next run; false by default for a
 *     server: spinning threads burn the CPU that decoding and gRPC need on the same cores (measured in the README's
 *     load benchmark)
 * @param device where every model version runs: {@code cpu}; {@code gpu} or {@code gpu:N} (CUDA device 0 or N,
 *     required: a model that cannot use it fails to load); {@code auto} (CUDA device 0 when this ONNX Runtime build
 *     has CUDA and it loads, else the CPU; {@link ModelRepository#resolveDevice()} decides once for all models)
 */
public record ModelOptions(
        int intraOpThreads, boolean batching, BatcherOptions batcher, boolean intraOpSpinning, DeviceRequest device) {

    /** The server's default device: the CPU (see the README, "Serving on a GPU"). */
    public static final DeviceRequest DEFAULT_DEVICE = DeviceRequest.parse("cpu");

    /** Options on the CPU with ONNX Runtime's intra-op spinning off (the server's default). */
    public ModelOptions(int intraOpThreads, boolean batching, BatcherOptions batcher) {
        this(intraOpThreads, batching, batcher, false, DEFAULT_DEVICE);
    }

    /** Options on the CPU. */
    public ModelOptions(int intraOpThreads, boolean batching, BatcherOptions batcher, boolean intraOpSpinning) {
        this(intraOpThreads, batching, batcher, intraOpSpinning, DEFAULT_DEVICE);
    }

    /** Validates the options. */
    public ModelOptions {
        Objects.requireNonNull(batcher, "batcher");
        Objects.requireNonNull(device, "device");
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        }
    }

    /** Runtime threads, batching on with the batcher's defaults, on the CPU. */
    public static ModelOptions defaults() {
        return new ModelOptions(0, true, BatcherOptions.defaults());
    }

    /** These options on another device. */
    public ModelOptions withDevice(DeviceRequest other) {
        return new ModelOptions(intraOpThreads, batching, batcher, intraOpSpinning, other);
    }

    /**
     * The SDK options a model version is opened with: CPU for {@code cpu}; the CUDA provider on device 0 (or N for
     * {@code gpu:N}) otherwise, required for {@code gpu} and {@code gpu:N}, with the SDK's fallback to the CPU for
     * {@code auto}.
     */
    public EncoderOptions encoderOptions(int batchSize) {
        EncoderOptions.Builder b = EncoderOptions.builder()
                .intraOpThreads(intraOpThreads)
                .intraOpSpinning(intraOpSpinning)
                .batchSize(batchSize);
        if (device.kind() != DeviceRequest.Kind.CPU) {
            b.device(EncoderOptions.Device.CUDA)
                    .deviceId(device.index() == DeviceRequest.ALL_GPUS ? 0 : device.index())
                    .requireGpu(device.gpuOnly());
        }
        return b.build();
    }
}
