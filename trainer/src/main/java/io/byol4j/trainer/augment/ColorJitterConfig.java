package io.byol4j.trainer.augment;

/**
 * Colour jitter, applied with {@code probability}. When applied, the four adjustments run in a random
 * order, each with a factor drawn independently: brightness and contrast and saturation from
 * {@code [max(0, 1 - s), 1 + s]} for strength {@code s}, hue shift from {@code [-hue, hue]} (a fraction of a
 * full turn). A strength of 0 switches that adjustment off.
 */
public record ColorJitterConfig(double probability, double brightness, double contrast, double saturation, double hue) {

    /** Validates: probability in [0, 1], strengths finite and >= 0, {@code hue <= 0.5}. */
    public ColorJitterConfig {
        Checks.probability("colorJitter.probability", probability);
        Checks.nonNegative("colorJitter.brightness", brightness);
        Checks.nonNegative("colorJitter.contrast", contrast);
        Checks.nonNegative("colorJitter.saturation", saturation);
        Checks.nonNegative("colorJitter.hue", hue);
        if (hue > 0.5) {
            throw new IllegalArgumentException("colorJitter.hue must be <= 0.5 (half a turn), got " + hue);
        }
    }

    /** The paper's setting: probability 0.8, brightness 0.4, contrast 0.4, saturation 0.2, hue 0.1. */
    public static ColorJitterConfig standard() {
        return new ColorJitterConfig(0.8, 0.4, 0.4, 0.2, 0.1);
    }

    /** Never applied. */
    public static ColorJitterConfig disabled() {
        return new ColorJitterConfig(0.0, 0.4, 0.4, 0.2, 0.1);
    }
}
