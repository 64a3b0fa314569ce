package io.byol4j.trainer.augment;

/**
 * How one BYOL view is drawn from an image. Operations run in this order: random resized crop,
 * horizontal flip, rotation, colour jitter, grayscale, Gaussian blur, solarisation, then per-channel
 * normalisation. Every operation can be switched off (crop {@code enabled=false}, a probability of 0).
 * A missing {@code rotation} (configs written before it existed) means no rotation.
 *
 * <p>Serialises to and from JSON with Jackson as nested objects named like the components.
 */
public record ViewConfig(
        CropConfig randomResizedCrop,
        double flipProbability,
        ColorJitterConfig colorJitter,
        double grayscaleProbability,
        BlurConfig blur,
        SolarizeConfig solarize,
        RotationConfig rotation) {

    /** Validates that every part is present and the probabilities lie in [0, 1]; no rotation when absent. */
    public ViewConfig {
        if (rotation == null) {
            rotation = RotationConfig.disabled();
        }
        Checks.present("randomResizedCrop", randomResizedCrop);
        Checks.probability("flipProbability", flipProbability);
        Checks.present("colorJitter", colorJitter);
        Checks.probability("grayscaleProbability", grayscaleProbability);
        Checks.present("blur", blur);
        Checks.present("solarize", solarize);
    }

    /** A view without rotation (the paper's operations only). */
    public ViewConfig(
            CropConfig randomResizedCrop,
            double flipProbability,
            ColorJitterConfig colorJitter,
            double grayscaleProbability,
            BlurConfig blur,
            SolarizeConfig solarize) {
        this(
                randomResizedCrop,
                flipProbability,
                colorJitter,
                grayscaleProbability,
                blur,
                solarize,
                RotationConfig.disabled());
    }

    /**
     * The paper's view with the given blur and solarisation probabilities: crop scale [0.08, 1], flip 0.5,
     * colour jitter 0.8 (0.4, 0.4, 0.2, 0.1), grayscale 0.2, blur sigma [0.1, 2], solarise threshold 0.5.
     */
    public static ViewConfig paper(double blurProbability, double solarizeProbability) {
        return new ViewConfig(
                CropConfig.standard(),
                0.5,
                ColorJitterConfig.standard(),
                0.2,
                BlurConfig.withProbability(blurProbability),
                SolarizeConfig.withProbability(solarizeProbability));
    }

    /** No randomness at all: centre-square crop resized to the output size, then normalisation. */
    public static ViewConfig none() {
        return new ViewConfig(
                CropConfig.disabled(),
                0.0,
                ColorJitterConfig.disabled(),
                0.0,
                BlurConfig.disabled(),
                SolarizeConfig.disabled());
    }

    /** A copy with another crop setting. */
    public ViewConfig withRandomResizedCrop(CropConfig crop) {
        return new ViewConfig(crop, flipProbability, colorJitter, grayscaleProbability, blur, solarize, rotation);
    }

    /** A copy with another flip probability. */
    public ViewConfig withFlipProbability(double probability) {
        return new ViewConfig(
                randomResizedCrop, probability, colorJitter, grayscaleProbability, blur, solarize, rotation);
    }

    /** A copy with another colour jitter setting. */
    public ViewConfig withColorJitter(ColorJitterConfig jitter) {
        return new ViewConfig(
                randomResizedCrop, flipProbability, jitter, grayscaleProbability, blur, solarize, rotation);
    }

    /** A copy with another grayscale probability. */
    public ViewConfig withGrayscaleProbability(double probability) {
        return new ViewConfig(randomResizedCrop, flipProbability, colorJitter, probability, blur, solarize, rotation);
    }

    /** A copy with another blur setting. */
    public ViewConfig withBlur(BlurConfig newBlur) {
        return new ViewConfig(
                randomResizedCrop, flipProbability, colorJitter, grayscaleProbability, newBlur, solarize, rotation);
    }

    /** A copy with another solarisation setting. */
    public ViewConfig withSolarize(SolarizeConfig newSolarize) {
        return new ViewConfig(
                randomResizedCrop, flipProbability, colorJitter, grayscaleProbability, blur, newSolarize, rotation);
    }

    /** A copy with another rotation setting. */
    public ViewConfig withRotation(RotationConfig newRotation) {
        return new ViewConfig(
                randomResizedCrop, flipProbability, colorJitter, grayscaleProbability, blur, solarize, newRotation);
    }
}
