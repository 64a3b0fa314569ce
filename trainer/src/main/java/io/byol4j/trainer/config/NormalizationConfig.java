package io.byol4j.trainer.config;

import java.util.Arrays;

/**
 * Per-channel normalisation applied to every view after augmentation: {@code (x - mean[c]) / std[c]}
 * on pixel values scaled to [0, 1]. The exported model carries the same values.
 */
public record NormalizationConfig(float[] mean, float[] std) {

    /** Validates lengths (equal, 1 or 3) and that every std is finite and positive. */
    public NormalizationConfig {
        if (mean == null || std == null) {
            throw new IllegalArgumentException("normalization.mean and normalization.std are required");
        }
        if (mean.length != std.length || (mean.length != 1 && mean.length != 3)) {
            throw new IllegalArgumentException("normalization.mean and normalization.std need 1 or 3 values each, got "
                    + mean.length + " and " + std.length);
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("normalization.mean[" + c + "] must be finite, got " + mean[c]);
            }
            if (!(std[c] > 0f) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException(
                        "normalization.std[" + c + "] must be finite and positive, got " + std[c]);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** ImageNet statistics for RGB; 0.5 / 0.25 for gray. */
    public static NormalizationConfig defaultFor(int channels) {
        if (channels == 1) {
            return new NormalizationConfig(new float[] {0.5f}, new float[] {0.25f});
        }
        return new NormalizationConfig(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    }

    /** Number of channels described. */
    public int channels() {
        return mean.length;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NormalizationConfig n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "NormalizationConfig[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
