package io.byol4j.trainer.train;

import io.byol4j.trainer.checkpoint.CheckpointState;
import io.byol4j.trainer.config.TrainConfig;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a resumed run still sees the dataset its checkpoint was trained on, and the step plan it continues
 * with. The data order (a permutation of the dataset per epoch), the steps per epoch and, for runs counted in
 * epochs, the LR and tau schedules all follow from the number of images; a run resumes exactly only when that
 * number is unchanged.
 */
final class ResumeCheck {

    private ResumeCheck() {}

    /**
     * What changed between the checkpoint's dataset and {@code datasetSize}, or empty when nothing did. Compares
     * the image count when the checkpoint records it, otherwise (older checkpoints) the steps per epoch.
     */
    static Optional<String> datasetChange(CheckpointState state, TrainConfig cfg, int datasetSize) {
        if (state.stepsPerEpoch() <= 0) {
            return Optional.empty();
        }
        long newStepsPerEpoch = datasetSize / cfg.batchSize();
        boolean imagesDiffer = state.datasetImages() != null && state.datasetImages() != datasetSize;
        if (!imagesDiffer && newStepsPerEpoch == state.stepsPerEpoch()) {
            return Optional.empty();
        }
        String images = state.datasetImages() == null
                ? "now " + datasetSize + " images"
                : state.datasetImages() + " images then, " + datasetSize + " now";
        return Optional.of(String.format(
                Locale.ROOT,
                "%s; %d steps per epoch then, %d now (batch %d)",
                images,
                state.stepsPerEpoch(),
                newStepsPerEpoch,
                cfg.batchSize()));
    }

    /**
     * The plan a resumed run follows: the steps per epoch of the dataset it sees now, and the total and warm-up
     * steps of the checkpoint, so that the LR and tau schedules continue where they were.
     */
    static RunPlan resumedPlan(CheckpointState state, TrainConfig cfg, int datasetSize) {
        RunPlan fresh = RunPlan.of(cfg, datasetSize);
        if (state.stepsPerEpoch() <= 0) {
            return fresh;
        }
        long warmup = state.warmupSteps() != null
                ? state.warmupSteps()
                : Math.min(state.totalSteps(), Math.round(cfg.warmupEpochs() * state.stepsPerEpoch()));
        return new RunPlan(fresh.stepsPerEpoch(), state.totalSteps(), warmup);
    }
}
