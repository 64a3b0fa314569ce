package io.byol4j.trainer.train;

import io.byol4j.trainer.network.ByolNetwork;

/** Called after every completed training step; lets tests observe or perturb the run. */
@FunctionalInterface
interface StepHook {

    /**
     * @param step 1-based global step just completed
     * @param network the network after the optimiser and target updates
     */
    void afterStep(long step, ByolNetwork network);
}
