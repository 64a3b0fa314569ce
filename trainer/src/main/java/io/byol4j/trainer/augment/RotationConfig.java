package io.byol4j.trainer.augment;

/**
 * Random rotation about the view's centre, applied with {@code probability}: the angle is uniform in
 * [−{@code maxDegrees}, +{@code maxDegrees}]. Pixels that the rotation brings in from outside the view are
 * filled by mirroring the view at its border, so no artificial corners appear. Not part of the paper's
 * recipe (it is off there); useful where orientation is a nuisance, as in the synthetic shapes and in
 * aerial or microscopy images.
 */
public record RotationConfig(double probability, double maxDegrees) {

    /** Validates: probability in [0, 1], maxDegrees in [0, 180]. */
    public RotationConfig {
        Checks.probability("rotation.probability", probability);
        if (!(maxDegrees >= 0.0 && maxDegrees <= 180.0)) {
            throw new IllegalArgumentException("rotation.maxDegrees must be in [0, 180], got " + maxDegrees);
        }
    }

    /** Any angle, always applied. */
    public static RotationConfig full() {
        return new RotationConfig(1.0, 180.0);
    }

    /** Never applied (the paper's setting). */
    public static RotationConfig disabled() {
        return new RotationConfig(0.0, 0.0);
    }
}
