package io.byol4j.trainer.config;

/**
 * Sizes of BYOL's MLP heads. The projector maps the embedding to {@code projectionDim} through
 * {@code projectorHidden} hidden units; the predictor maps a projection to another vector of
 * {@code projectionDim} through {@code predictorHidden} hidden units. The paper uses 4096 / 256 / 4096.
 */
public record HeadsConfig(int projectorHidden, int projectionDim, int predictorHidden) {

    /** Validates that every size is positive. */
    public HeadsConfig {
        ConfigChecks.positive("heads.projectorHidden", projectorHidden);
        ConfigChecks.positive("heads.projectionDim", projectionDim);
        ConfigChecks.positive("heads.predictorHidden", predictorHidden);
    }
}
