package io.byol4j.trainer.checkpoint;

import io.byol4j.trainer.config.TrainConfig;
import io.byol4j.trainer.metrics.MetricsHistory;
import java.nio.file.Path;

/**
 * The metadata of a checkpoint directory, read without touching the (large) parameter files; pass it to
 * {@link Checkpoints#restore(Checkpoint, io.byol4j.trainer.network.ByolNetwork,
 * io.byol4j.trainer.optim.Optimizer)} to load the weights.
 *
 * @param dir the checkpoint directory
 * @param config the run's config
 * @param configJson the config exactly as stored
 * @param state progress
 * @param metrics metrics recorded up to {@code state.step()}
 */
public record Checkpoint(
        Path dir, TrainConfig config, String configJson, CheckpointState state, MetricsHistory metrics) {}
