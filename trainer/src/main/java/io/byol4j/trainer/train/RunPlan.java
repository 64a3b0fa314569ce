package io.byol4j.trainer.train;

import io.byol4j.trainer.config.TrainConfig;

/**
 * Step counts of a run for a dataset of a given size. An epoch is {@code floor(size / batchSize)} steps
 * (the last incomplete batch of each epoch's order is dropped).
 */
record RunPlan(long stepsPerEpoch, long totalSteps, long warmupSteps) {

    static RunPlan of(TrainConfig cfg, int datasetSize) {
        if (datasetSize < cfg.batchSize()) {
            throw new IllegalArgumentException("the dataset has " + datasetSize + " images, fewer than batchSize "
                    + cfg.batchSize() + "; lower batchSize or use a larger dataset");
        }
        long perEpoch = datasetSize / cfg.batchSize();
        long total = cfg.steps() > 0 ? cfg.steps() : (long) cfg.epochs() * perEpoch;
        long warmup = Math.min(total, Math.round(cfg.warmupEpochs() * perEpoch));
        return new RunPlan(perEpoch, total, warmup);
    }

    /** Total epochs, counting a final partial epoch. */
    int epochs() {
        return (int) ((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
    }

    /** 1-based epoch of 0-based global step {@code step}. */
    int epochOf(long step) {
        return (int) (step / stepsPerEpoch) + 1;
    }

    /** True when 0-based {@code step} is the last step of its epoch or of the run. */
    boolean endsEpoch(long step) {
        return (step + 1) % stepsPerEpoch == 0 || step + 1 == totalSteps;
    }
}
