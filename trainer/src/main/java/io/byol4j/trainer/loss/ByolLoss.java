package io.byol4j.trainer.loss;

import ai.djl.ndarray.NDArray;

/**
 * BYOL's symmetric regression loss. For online predictions {@code p1, p2} (of views 1 and 2) and target
 * projections {@code z1, z2}, the loss of one sample is
 * {@code (2 - 2·cos(p1, sg(z2))) + (2 - 2·cos(p2, sg(z1)))}, and the batch loss is its mean over the
 * batch. {@code sg} stops the gradient: no gradient ever reaches the target projections. Each term lies
 * in [0, 4], so the batch loss lies in [0, 8].
 */
public final class ByolLoss {

    /** Guards the L2 normalisation against zero vectors (as {@code max(||x||, eps)}). */
    static final float NORM_EPSILON = 1e-12f;

    private ByolLoss() {}

    /**
     * The scalar batch loss.
     *
     * @param p1 online prediction of view 1, shape (N, D)
     * @param p2 online prediction of view 2, shape (N, D)
     * @param z1 target projection of view 1, shape (N, D)
     * @param z2 target projection of view 2, shape (N, D)
     */
    public static NDArray compute(NDArray p1, NDArray p2, NDArray z1, NDArray z2) {
        checkShapes(p1, p2, z1, z2);
        NDArray perSample = regression(p1, z2.stopGradient()).add(regression(p2, z1.stopGradient()));
        return perSample.mean();
    }

    /** {@code 2 - 2·cos(p, z)} per row of (N, D) inputs, shape (N). */
    static NDArray regression(NDArray p, NDArray z) {
        NDArray cos = normalize(p).mul(normalize(z)).sum(new int[] {1});
        // 2 - 2cos as (1 - cos) + (1 - cos), bit for bit the same value: no operation here keeps a scalar
        // operand for the backward pass. DJL's mul(Number)/maximum(Number) wrap the number in a direct buffer
        // that they close right away, while libtorch's MulBackward/MaximumBackward still read it: a GC between
        // forward and backward frees it and the step's gradients are scaled by garbage (seen once as a NaN
        // loss in a CIFAR-10 run that did not recur on resume).
        NDArray oneMinusCos = cos.neg().add(1f);
        return oneMinusCos.add(oneMinusCos);
    }

    /** Rows scaled to unit L2 norm. */
    public static NDArray normalize(NDArray x) {
        NDArray norm = x.norm(new int[] {1}, true).clip(NORM_EPSILON, Float.MAX_VALUE);
        return x.div(norm);
    }

    private static void checkShapes(NDArray p1, NDArray p2, NDArray z1, NDArray z2) {
        if (p1.getShape().dimension() != 2) {
            throw new IllegalArgumentException("predictions must be (N, D), got " + p1.getShape());
        }
        for (NDArray a : new NDArray[] {p2, z1, z2}) {
            if (!a.getShape().equals(p1.getShape())) {
                throw new IllegalArgumentException("loss inputs must share one shape, got " + p1.getShape() + ", "
                        + p2.getShape() + ", " + z1.getShape() + ", " + z2.getShape());
            }
        }
    }
}
