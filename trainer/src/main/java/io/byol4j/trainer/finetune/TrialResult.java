package io.byol4j.trainer.finetune;

/**
 * What a finished trial measured (its {@code result.json}).
 *
 * @param name the trial's folder name
 * @param learningRate peak learning rate
 * @param epochs epochs trained
 * @param trainImages images trained on
 * @param validationImages images scored after each epoch (0 for a final run on every labeled image)
 * @param valAccuracy validation accuracy after the last epoch (NaN without validation images)
 * @param finalLoss mean training loss of the last epoch
 * @param steps optimiser steps
 * @param seconds training time over all sessions
 * @param imagesPerSecond training throughput
 * @param checkpoint the checkpoint holding the trial's final weights
 */
public record TrialResult(
        String name,
        double learningRate,
        int epochs,
        int trainImages,
        int validationImages,
        double valAccuracy,
        double finalLoss,
        long steps,
        double seconds,
        double imagesPerSecond,
        String checkpoint) {}
