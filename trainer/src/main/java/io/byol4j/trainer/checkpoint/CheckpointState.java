package io.byol4j.trainer.checkpoint;

/**
 * Progress recorded in a checkpoint's {@code state.json}.
 *
 * <p>Data order and augmentation are drawn from counter-based generators, a pure function of
 * {@code (rngSeed, epoch, step, position in batch)}, so {@code rngSeed} and {@code step} are the whole
 * random state needed to continue a run exactly; parameter initialisation is not repeated on resume.
 *
 * @param format layout version of the checkpoint directory
 * @param step optimisation steps completed
 * @param epochsCompleted whole epochs completed
 * @param stepsPerEpoch steps in one epoch for the dataset the run used
 * @param totalSteps steps the run was configured for
 * @param finished true for the checkpoint written when the run completed
 * @param configSha256 {@code TrainConfig.sha256()} of the run's config
 * @param dataset the dataset spec
 * @param rngSeed seed of the counter-based data and augmentation generators
 * @param lastLoss loss of the last step, or null before the first step
 * @param skippedImages distinct images that failed to decode so far
 * @param elapsedSeconds wall time spent training so far
 * @param createdAt ISO-8601 instant the checkpoint was written
 * @param datasetImages images in the dataset the run trained on; null in checkpoints written before it was
 *     recorded (a resume then compares {@code stepsPerEpoch} only)
 * @param warmupSteps learning-rate warm-up steps of the run's schedule; null in checkpoints written before it
 *     was recorded (then {@code round(warmupEpochs × stepsPerEpoch)}, as the run computed it)
 */
public record CheckpointState(
        int format,
        long step,
        int epochsCompleted,
        long stepsPerEpoch,
        long totalSteps,
        boolean finished,
        String configSha256,
        String dataset,
        long rngSeed,
        Double lastLoss,
        long skippedImages,
        double elapsedSeconds,
        String createdAt,
        Integer datasetImages,
        Long warmupSteps) {

    /** The layout version this code writes and reads. */
    public static final int FORMAT = 1;
}
