package io.byol4j.sdk.encoder;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.util.Objects;

/**
 * How an {@link Encoder} runs its model. Build with {@link #builder()}; {@link #defaults()} is CPU,
 * ONNX Runtime's default thread count, all graph optimisations, digest verification on, raw
 * (not normalised) embeddings and batches of 64.
 *
 * @param intraOpThreads threads ONNX Runtime uses inside one operator; 0 keeps its default
 * @param optimizationLevel graph optimisations applied when the session is created
 * @param device where inference runs; CUDA falls back to CPU with a warning unless {@code requireGpu}
 * @param deviceId CUDA device ordinal, ignored on CPU
 * @param requireGpu fail instead of falling back to CPU when CUDA was asked for and is unavailable
 * @param verifyDigest refuse a model whose SHA-256 does not match the digest in its metadata
 * @param normalize L2-normalise every embedding before returning it
 * @param batchSize largest number of images sent to ONNX Runtime in one run; longer inputs are split
 * @param intraOpSpinning whether ONNX Runtime's idle intra-op threads spin waiting for the next run (its default,
 *     true) or sleep at once (false: less CPU burnt between runs, which leaves the cores to other work such as
 *     decoding and networking; see the README's load benchmark)
 */
public record EncoderOptions(
        int intraOpThreads,
        OptimizationLevel optimizationLevel,
        Device device,
        int deviceId,
        boolean requireGpu,
        boolean verifyDigest,
        boolean normalize,
        int batchSize,
        boolean intraOpSpinning) {

    /** Default number of images per ONNX Runtime run. */
    public static final int DEFAULT_BATCH_SIZE = 64;

    /** Where inference runs. */
    public enum Device {
        /** ONNX Runtime's CPU execution provider. */
        CPU,
        /** ONNX Runtime's CUDA execution provider (needs the {@code onnxruntime_gpu} artifact). */
        CUDA
    }

    /** Graph optimisation level, mapped onto ONNX Runtime's {@link OptLevel}. */
    public enum OptimizationLevel {
        /** No graph rewriting. */
        NONE(OptLevel.NO_OPT),
        /** Constant folding and redundant-node removal. */
        BASIC(OptLevel.BASIC_OPT),
        /** Basic plus operator fusions. */
        EXTENDED(OptLevel.EXTENDED_OPT),
        /** Everything, including layout optimisations. */
        ALL(OptLevel.ALL_OPT);

        private final OptLevel ortLevel;

        OptimizationLevel(OptLevel ortLevel) {
            this.ortLevel = ortLevel;
        }

        /** The ONNX Runtime level this maps to. */
        public OptLevel ortLevel() {
            return ortLevel;
        }
    }

    /** Validates the options. */
    public EncoderOptions {
        Objects.requireNonNull(optimizationLevel, "optimizationLevel");
        Objects.requireNonNull(device, "device");
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException(
                    "intraOpThreads must be >= 0 (0 = ONNX Runtime default), got " + intraOpThreads);
        }
        if (deviceId < 0) {
            throw new IllegalArgumentException("deviceId must be >= 0, got " + deviceId);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
    }

    /** CPU, default threads, all optimisations, digest verified, raw embeddings, batch 64. */
    public static EncoderOptions defaults() {
        return builder().build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder()
                .intraOpThreads(intraOpThreads)
                .optimizationLevel(optimizationLevel)
                .device(device)
                .deviceId(deviceId)
                .requireGpu(requireGpu)
                .verifyDigest(verifyDigest)
                .normalize(normalize)
                .batchSize(batchSize)
                .intraOpSpinning(intraOpSpinning);
    }

    /** Mutable builder for {@link EncoderOptions}; {@link #build()} validates. */
    public static final class Builder {
        private int intraOpThreads;
        private OptimizationLevel optimizationLevel = OptimizationLevel.ALL;
        private Device device = Device.CPU;
        private int deviceId;
        private boolean requireGpu;
        private boolean verifyDigest = true;
        private boolean normalize;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private boolean intraOpSpinning = true;

        private Builder() {}

        /** Threads inside one operator; 0 keeps ONNX Runtime's default. */
        public Builder intraOpThreads(int threads) {
            this.intraOpThreads = threads;
            return this;
        }

        /** Graph optimisation level. */
        public Builder optimizationLevel(OptimizationLevel level) {
            this.optimizationLevel = level;
            return this;
        }

        /** Execution device. */
        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        /** CUDA device ordinal. */
        public Builder deviceId(int deviceId) {
            this.deviceId = deviceId;
            return this;
        }

        /** Fail rather than fall back to CPU when CUDA is unavailable. */
        public Builder requireGpu(boolean requireGpu) {
            this.requireGpu = requireGpu;
            return this;
        }

        /** Check the model's SHA-256 against its metadata on open. */
        public Builder verifyDigest(boolean verifyDigest) {
            this.verifyDigest = verifyDigest;
            return this;
        }

        /** L2-normalise embeddings. */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /** Images per ONNX Runtime run. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Let idle intra-op threads spin for the next run (ONNX Runtime's default, true) or sleep (false). */
        public Builder intraOpSpinning(boolean spinning) {
            this.intraOpSpinning = spinning;
            return this;
        }

        /** The validated options. */
        public EncoderOptions build() {
            return new EncoderOptions(
                    intraOpThreads,
                    optimizationLevel,
                    device,
                    deviceId,
                    requireGpu,
                    verifyDigest,
                    normalize,
                    batchSize,
                    intraOpSpinning);
        }
    }
}
