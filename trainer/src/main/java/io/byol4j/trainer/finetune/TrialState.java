package io.byol4j.trainer.finetune;

/**
 * Where a trial stands, stored as {@code state.json} in each of its checkpoints.
 *
 * @param step optimiser steps taken
 * @param totalSteps steps of the whole trial
 * @param finished true for the checkpoint written at the end
 * @param learningRate the trial's peak learning rate
 * @param epochs the trial's epoch count
 * @param elapsedSeconds training time up to this checkpoint, over all sessions
 */
record TrialState(
        long step, long totalSteps, boolean finished, double learningRate, int epochs, double elapsedSeconds) {}
