package io.byol4j.trainer.train;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Outcome of {@link ByolTrainer#run}.
 *
 * @param runDir the run directory (config, checkpoints, metrics, plots)
 * @param finalCheckpoint the checkpoint written at the end (the latest one if the run stopped early)
 * @param steps global steps completed
 * @param totalSteps steps the run is configured for
 * @param finalLoss loss of the last step, NaN if no step ran
 * @param imagesPerSecond images (two views each) trained per second in this session
 * @param dataWaitShare share of step time spent waiting for the data loader in this session, in [0, 1]
 * @param elapsed wall time of this session
 * @param skippedImages distinct images that failed to decode
 */
public record TrainResult(
        Path runDir,
        Path finalCheckpoint,
        long steps,
        long totalSteps,
        double finalLoss,
        double imagesPerSecond,
        double dataWaitShare,
        Duration elapsed,
        long skippedImages) {

    /** True when every configured step has run. */
    public boolean complete() {
        return steps >= totalSteps;
    }
}
