package io.byol4j.exporter;

import io.byol4j.exporter.head.LinearHead;
import io.byol4j.sdk.data.Dataset;
import java.util.Optional;

/**
 * How {@link OnnxExporter} exports and verifies a model. Build with {@link #builder()}; all options
 * have defaults ({@link #defaults()}).
 *
 * @param tolerance the absolute term of the parity bound (see {@link ParityTolerance}); null for the
 *     default of the weight precision, {@link ParityTolerance#FLOAT32} or {@link ParityTolerance#FLOAT16}
 * @param relativeTolerance the relative term of the parity bound, a fraction of the largest absolute
 *     output; null for the default of the weight precision
 * @param parityBatchSize images per inference call during the parity check
 * @param randomInputs number of random-normal input images compared (at least 1)
 * @param float16 store weights as float16 (inputs, outputs and arithmetic stay float32)
 * @param foldBatchNorm fold BatchNorm into the preceding convolution
 * @param force replace an existing output file
 * @param parityDataset real images also compared after preprocessing with the model's contract; may
 *     be null
 * @param maxParityImages at most this many images of {@code parityDataset} are compared
 * @param head a linear classification head fused as a second output {@code probabilities}; may be
 *     null
 * @param seed seed of the random parity inputs
 */
public record ExportOptions(
        Double tolerance,
        Double relativeTolerance,
        int parityBatchSize,
        int randomInputs,
        boolean float16,
        boolean foldBatchNorm,
        boolean force,
        Dataset parityDataset,
        int maxParityImages,
        LinearHead head,
        long seed) {

    /** Validates ranges. */
    public ExportOptions {
        if (tolerance != null && (!(tolerance >= 0) || tolerance.isInfinite())) {
            throw new IllegalArgumentException("tolerance must be a finite number >= 0, got " + tolerance);
        }
        if (relativeTolerance != null && (!(relativeTolerance >= 0) || relativeTolerance.isInfinite())) {
            throw new IllegalArgumentException(
                    "relative tolerance must be a finite number >= 0, got " + relativeTolerance);
        }
        if (parityBatchSize < 1) {
            throw new IllegalArgumentException("parity batch size must be at least 1, got " + parityBatchSize);
        }
        if (randomInputs < 1) {
            throw new IllegalArgumentException("random parity inputs must be at least 1, got " + randomInputs);
        }
        if (maxParityImages < 0) {
            throw new IllegalArgumentException("max parity images must not be negative, got " + maxParityImages);
        }
    }

    /** Every option at its default: float32, no folding, no head, no dataset, no overwrite. */
    public static ExportOptions defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.tolerance = tolerance;
        b.relativeTolerance = relativeTolerance;
        b.parityBatchSize = parityBatchSize;
        b.randomInputs = randomInputs;
        b.float16 = float16;
        b.foldBatchNorm = foldBatchNorm;
        b.force = force;
        b.parityDataset = parityDataset;
        b.maxParityImages = maxParityImages;
        b.head = head;
        b.seed = seed;
        return b;
    }

    /** The tolerance in effect: each term as given, or else the default for the weight precision. */
    public ParityTolerance effectiveTolerance() {
        ParityTolerance defaults = ParityTolerance.defaultFor(float16);
        return new ParityTolerance(
                tolerance != null ? tolerance : defaults.absolute(),
                relativeTolerance != null ? relativeTolerance : defaults.relative());
    }

    /** The parity dataset, if any. */
    public Optional<Dataset> optionalParityDataset() {
        return Optional.ofNullable(parityDataset);
    }

    /** The fused head, if any. */
    public Optional<LinearHead> optionalHead() {
        return Optional.ofNullable(head);
    }

    /** Builds {@link ExportOptions}. */
    public static final class Builder {
        private Double tolerance;
        private Double relativeTolerance;
        private int parityBatchSize = 4;
        private int randomInputs = 8;
        private boolean float16;
        private boolean foldBatchNorm;
        private boolean force;
        private Dataset parityDataset;
        private int maxParityImages = 32;
        private LinearHead head;
        private long seed = 20240611L;

        private Builder() {}

        /** Absolute term of the parity tolerance; null restores the precision-dependent default. */
        public Builder tolerance(Double value) {
            tolerance = value;
            return this;
        }

        /** Relative term of the parity tolerance; null restores the precision-dependent default. */
        public Builder relativeTolerance(Double value) {
            relativeTolerance = value;
            return this;
        }

        /** Images per inference call during the parity check. */
        public Builder parityBatchSize(int value) {
            parityBatchSize = value;
            return this;
        }

        /** Number of random input images compared. */
        public Builder randomInputs(int value) {
            randomInputs = value;
            return this;
        }

        /** Store weights as float16. */
        public Builder float16(boolean value) {
            float16 = value;
            return this;
        }

        /** Fold BatchNorm into the preceding convolution. */
        public Builder foldBatchNorm(boolean value) {
            foldBatchNorm = value;
            return this;
        }

        /** Replace an existing output file. */
        public Builder force(boolean value) {
            force = value;
            return this;
        }

        /** Real images to compare as well; null for none. */
        public Builder parityDataset(Dataset value) {
            parityDataset = value;
            return this;
        }

        /** Upper bound on the parity dataset images compared. */
        public Builder maxParityImages(int value) {
            maxParityImages = value;
            return this;
        }

        /** Linear head to fuse; null for none. */
        public Builder head(LinearHead value) {
            head = value;
            return this;
        }

        /** Seed of the random parity inputs. */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** The options; validates ranges. */
        public ExportOptions build() {
            return new ExportOptions(
                    tolerance,
                    relativeTolerance,
                    parityBatchSize,
                    randomInputs,
                    float16,
                    foldBatchNorm,
                    force,
                    parityDataset,
                    maxParityImages,
                    head,
                    seed);
        }
    }
}
