package io.byol4j.cli.bench;

/**
 * One round of one preset, in images per second.
 *
 * @param round 1-based round number
 * @param byol4jStep the trainer's step on ready batches
 * @param pipeline the real trainer with data loading and augmentation
 * @param pipelineDataWait share of the pipeline's time spent waiting for data, 0..1
 * @param pytorch plain PyTorch eager, {@code null} when the baseline did not run
 */
public record Round(int round, double byol4jStep, double pipeline, double pipelineDataWait, Double pytorch) {}
