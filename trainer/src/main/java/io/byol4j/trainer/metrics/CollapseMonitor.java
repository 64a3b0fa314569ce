package io.byol4j.trainer.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import io.byol4j.trainer.loss.ByolLoss;

/**
 * Detects representational collapse: L2-normalise each projection, take the standard deviation of every
 * dimension over the batch, and average over dimensions. For projections spread over the unit sphere of
 * dimension {@code d} this is about {@code 1/sqrt(d)} ({@link #healthyReference(int)}); it tends to 0 when
 * all outputs collapse to one vector.
 */
public final class CollapseMonitor {

    private CollapseMonitor() {}

    /**
     * The collapse statistic of a (N, d) batch of projections (N ≥ 2). Does not touch the autograd graph.
     */
    public static double meanStd(NDArray projections) {
        if (projections.getShape().dimension() != 2 || projections.getShape().get(0) < 2) {
            throw new IllegalArgumentException("need (N >= 2, d) projections, got " + projections.getShape());
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray z = ByolLoss.normalize(projections.stopGradient());
            NDArray centred = z.sub(z.mean(new int[] {0}, true));
            return centred.square().mean(new int[] {0}).sqrt().mean().getFloat();
        }
    }

    /** {@code 1/sqrt(d)}: the value for projections spread uniformly over the sphere. */
    public static double healthyReference(int dimension) {
        return 1.0 / Math.sqrt(dimension);
    }
}
