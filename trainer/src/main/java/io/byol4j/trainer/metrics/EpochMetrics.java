package io.byol4j.trainer.metrics;

/**
 * Summary of one training epoch, one row of {@code metrics.csv}.
 *
 * @param epoch 1-based epoch number
 * @param step global steps completed at the end of the epoch
 * @param loss mean BYOL loss over the epoch's steps
 * @param lr learning rate of the epoch's last step
 * @param tau target EMA rate of the epoch's last step
 * @param imagesPerSecond images (each with two views) trained per second of wall time
 * @param dataWaitShare share of step time spent waiting for the loader, in [0, 1]
 * @param collapseStd mean per-dimension std of L2-normalised online projections (about
 *     {@code 1/sqrt(d)} when healthy, 0 when collapsed)
 * @param knnAccuracy k-NN top-1 accuracy in [0, 1], or NaN when the monitor did not run
 * @param elapsedSeconds wall time since the start of the run (including resumed parts)
 * @param skippedImages distinct images that failed to decode so far
 */
public record EpochMetrics(
        int epoch,
        long step,
        double loss,
        double lr,
        double tau,
        double imagesPerSecond,
        double dataWaitShare,
        double collapseStd,
        double knnAccuracy,
        double elapsedSeconds,
        long skippedImages) {

    /** True when the k-NN monitor produced a value for this epoch. */
    public boolean hasKnn() {
        return !Double.isNaN(knnAccuracy);
    }
}
