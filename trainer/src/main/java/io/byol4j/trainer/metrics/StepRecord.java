package io.byol4j.trainer.metrics;

/**
 * One optimisation step.
 *
 * @param step 1-based global step number
 * @param epoch 1-based epoch the step belongs to
 * @param loss BYOL loss of the step
 * @param lr learning rate used
 * @param tau target EMA rate used
 */
public record StepRecord(long step, int epoch, double loss, double lr, double tau) {}
