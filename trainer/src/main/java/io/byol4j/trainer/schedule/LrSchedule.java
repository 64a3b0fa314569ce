package io.byol4j.trainer.schedule;

/**
 * Learning rate per step: linear warm-up to the peak over {@code warmupSteps}, then cosine decay to 0
 * at {@code totalSteps}. Warm-up step {@code k} (0-based) uses {@code peak · (k + 1) / warmupSteps}, so
 * the first step already moves the weights and the last warm-up step reaches the peak. After warm-up,
 * {@code lr = peak · (1 + cos(pi · (k - W) / (K - W))) / 2}.
 */
public final class LrSchedule {

    private final double peakLr;
    private final long warmupSteps;
    private final long totalSteps;

    /**
     * @param peakLr the rate at the end of warm-up (positive)
     * @param warmupSteps warm-up length, 0 to start the cosine at once; at most {@code totalSteps}
     * @param totalSteps {@code K}, at least 1
     */
    public LrSchedule(double peakLr, long warmupSteps, long totalSteps) {
        if (!(peakLr > 0) || !Double.isFinite(peakLr)) {
            throw new IllegalArgumentException("peak learning rate must be positive, got " + peakLr);
        }
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be at least 1, got " + totalSteps);
        }
        if (warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("warmupSteps must be in [0, " + totalSteps + "], got " + warmupSteps);
        }
        this.peakLr = peakLr;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    /** The linear scaling rule: {@code baseLr × batchSize / 256}. */
    public static double scaledPeak(double baseLr, int batchSize) {
        return baseLr * batchSize / 256.0;
    }

    /** The rate for 0-based step {@code k}; steps past {@code K} give 0. */
    public double at(long k) {
        if (k < 0) {
            throw new IllegalArgumentException("step must not be negative, got " + k);
        }
        if (k < warmupSteps) {
            return peakLr * (k + 1) / warmupSteps;
        }
        if (k >= totalSteps) {
            return 0.0;
        }
        double progress = (double) (k - warmupSteps) / (totalSteps - warmupSteps);
        return peakLr * (1.0 + Math.cos(Math.PI * progress)) / 2.0;
    }

    public double peakLr() {
        return peakLr;
    }

    public long warmupSteps() {
        return warmupSteps;
    }

    public long totalSteps() {
        return totalSteps;
    }
}
