package io.byol4j.trainer.augment;

/**
 * The two view distributions of BYOL: the online network sees a view drawn with {@code view1}, the target
 * network one drawn with {@code view2} (and the symmetric pair the other way round).
 *
 * <p>Serialises to and from JSON with Jackson.
 */
public record AugmentConfig(ViewConfig view1, ViewConfig view2) {

    /** Validates that both views are present. */
    public AugmentConfig {
        Checks.present("view1", view1);
        Checks.present("view2", view2);
    }

    /**
     * The paper's asymmetric pair: blur probability 1.0 / 0.1, solarisation probability 0.0 / 0.2, all
     * else shared (crop scale [0.08, 1], flip 0.5, colour jitter 0.8, grayscale 0.2).
     */
    public static AugmentConfig paper() {
        return new AugmentConfig(ViewConfig.paper(1.0, 0.0), ViewConfig.paper(0.1, 0.2));
    }

    /**
     * A CPU-friendly pair for tiny images (such as 32×32): crop scale [0.2, 1], no blur (it mostly erases
     * detail at that size), solarisation 0.0 / 0.2; flip, colour jitter and grayscale as in the paper.
     */
    public static AugmentConfig light() {
        ViewConfig base = ViewConfig.paper(0.0, 0.0).withRandomResizedCrop(CropConfig.withScale(0.2, 1.0));
        return new AugmentConfig(base, base.withSolarize(SolarizeConfig.withProbability(0.2)));
    }

    /** Deterministic views (centre-square crop and resize only), for tests and evaluation. */
    public static AugmentConfig none() {
        return new AugmentConfig(ViewConfig.none(), ViewConfig.none());
    }
}
