package io.byol4j.trainer.schedule;

/**
 * BYOL's target decay rate: {@code tau_k = 1 - (1 - tauBase) · (cos(pi·k/K) + 1) / 2} for step
 * {@code k} of {@code K}; it starts at {@code tauBase} and reaches 1 at the last step.
 */
public final class TauSchedule {

    private final double tauBase;
    private final long totalSteps;

    /**
     * @param tauBase the rate at step 0, in [0, 1]
     * @param totalSteps {@code K}, at least 1
     */
    public TauSchedule(double tauBase, long totalSteps) {
        if (!(tauBase >= 0 && tauBase <= 1)) {
            throw new IllegalArgumentException("tauBase must be in [0, 1], got " + tauBase);
        }
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be at least 1, got " + totalSteps);
        }
        this.tauBase = tauBase;
        this.totalSteps = totalSteps;
    }

    /** The rate for 0-based step {@code k}; steps past {@code K} give 1. */
    public double at(long k) {
        if (k < 0) {
            throw new IllegalArgumentException("step must not be negative, got " + k);
        }
        double progress = Math.min(1.0, (double) k / totalSteps);
        return 1.0 - (1.0 - tauBase) * (Math.cos(Math.PI * progress) + 1.0) / 2.0;
    }
}
