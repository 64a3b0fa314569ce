package io.byol4j.trainer.augment;

/**
 * Random resized crop: a region covering a uniform fraction {@code [scaleMin, scaleMax]} of the source
 * area, with aspect ratio (width / height) log-uniform in {@code [ratioMin, ratioMax]}, resized to the
 * output size. Ten attempts are made; if none fits, the centre crop closest to the allowed ratios is used.
 *
 * <p>When {@code enabled} is false the view is deterministic: the largest centred square is resized to
 * the output size (the same as "resize the shorter side, then centre crop").
 */
public record CropConfig(boolean enabled, double scaleMin, double scaleMax, double ratioMin, double ratioMax) {

    /** Validates the ranges: {@code 0 < scaleMin <= scaleMax <= 1} and {@code 0 < ratioMin <= ratioMax}. */
    public CropConfig {
        Checks.positive("randomResizedCrop.scaleMin", scaleMin);
        Checks.positive("randomResizedCrop.scaleMax", scaleMax);
        if (scaleMax > 1.0) {
            throw new IllegalArgumentException("randomResizedCrop.scaleMax must be <= 1, got " + scaleMax);
        }
        Checks.ordered("randomResizedCrop.scaleMin", scaleMin, "randomResizedCrop.scaleMax", scaleMax);
        Checks.positive("randomResizedCrop.ratioMin", ratioMin);
        Checks.positive("randomResizedCrop.ratioMax", ratioMax);
        Checks.ordered("randomResizedCrop.ratioMin", ratioMin, "randomResizedCrop.ratioMax", ratioMax);
    }

    /** The paper's setting: scale [0.08, 1], ratio [3/4, 4/3]. */
    public static CropConfig standard() {
        return withScale(0.08, 1.0);
    }

    /** Enabled crop with the given scale range and the standard ratio range [3/4, 4/3]. */
    public static CropConfig withScale(double scaleMin, double scaleMax) {
        return new CropConfig(true, scaleMin, scaleMax, 3.0 / 4.0, 4.0 / 3.0);
    }

    /** Deterministic centre-square crop (ranges kept at their standard values for reference). */
    public static CropConfig disabled() {
        return new CropConfig(false, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }
}
