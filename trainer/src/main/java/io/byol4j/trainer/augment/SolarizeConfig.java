package io.byol4j.trainer.augment;

/** Solarisation, applied with {@code probability}: every value {@code x >= threshold} becomes {@code 1 - x}. */
public record SolarizeConfig(double probability, double threshold) {

    /** Validates: probability and threshold in [0, 1]. */
    public SolarizeConfig {
        Checks.probability("solarize.probability", probability);
        if (!(threshold >= 0.0 && threshold <= 1.0)) {
            throw new IllegalArgumentException("solarize.threshold must be in [0, 1], got " + threshold);
        }
    }

    /** Threshold 0.5 with the given probability. */
    public static SolarizeConfig withProbability(double probability) {
        return new SolarizeConfig(probability, 0.5);
    }

    /** Never applied. */
    public static SolarizeConfig disabled() {
        return withProbability(0.0);
    }
}
