package io.byol4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * LARS (You et al. 2017) as used by BYOL. For a regularised parameter {@code w} with gradient {@code g}:
 * <pre>
 *   u  = g + wd·w
 *   u  = u · (eta·||w|| / ||u||)      (ratio 1 when either norm is 0)
 *   mu = momentum·mu + u
 *   w  = w - lr·mu
 * </pre>
 * Parameters that are not regularised (biases and BatchNorm gamma/beta by default) skip both the weight
 * decay and the trust ratio: {@code u = g}.
 *
 * <p>With {@code clipLr} the trust ratio {@code r = eta·||w|| / ||u||} becomes {@code min(r / lr, 1)}, so a
 * layer moves at rate {@code min(r, lr)}: never faster than the schedule (solo-learn's {@code clip_lr}).
 * solo-learn divides by {@code ||g|| + wd·||w||} where this class divides by {@code ||g + wd·w||} (the
 * paper's form); the two agree when {@code wd·||w||} is small next to {@code ||g||} (wd 1e-5 in that recipe).
 */
final class Lars extends Optimizer {

    private final float momentum;
    private final float weightDecay;
    private final float trustCoefficient;
    private final boolean clipLr;

    Lars(
            List<TrainableParameter> parameters,
            NDManager manager,
            double momentum,
            double weightDecay,
            double trustCoefficient,
            boolean clipLr) {
        super(parameters, manager, 1);
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
        this.trustCoefficient = (float) trustCoefficient;
        this.clipLr = clipLr;
    }

    @Override
    public String type() {
        return "lars";
    }

    @Override
    void update(NDArray w, NDArray g, NDArray[] slots, float lr, boolean regularized, long t) {
        NDArray u = g;
        if (regularized) {
            if (weightDecay != 0f) {
                u = u.add(w.mul(weightDecay));
            }
            NDArray wNorm = w.norm();
            NDArray uNorm = u.norm();
            NDArray bothPositive = wNorm.gt(0f).logicalAnd(uNorm.gt(0f));
            NDArray trust = wNorm.mul(trustCoefficient).div(uNorm);
            if (clipLr && lr > 0f) {
                trust = trust.div(lr).minimum(1f);
            }
            NDArray ratio = NDArrays.where(bothPositive, trust, wNorm.onesLike());
            u = u.mul(ratio);
        }
        NDArray mu = slots[0];
        mu.muli(momentum).addi(u);
        w.subi(mu.mul(lr));
    }
}
