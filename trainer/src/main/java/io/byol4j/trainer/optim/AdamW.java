package io.byol4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter 2019). At update {@code t}:
 * <pre>
 *   m = b1·m + (1 - b1)·g          v = b2·v + (1 - b2)·g²
 *   w = w - lr·wd·w                 (regularised parameters only)
 *   w = w - lr · (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 */
final class AdamW extends Optimizer {

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;

    AdamW(
            List<TrainableParameter> parameters,
            NDManager manager,
            double beta1,
            double beta2,
            double epsilon,
            double weightDecay) {
        super(parameters, manager, 2);
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        this.weightDecay = (float) weightDecay;
    }

    @Override
    public String type() {
        return "adamw";
    }

    @Override
    void update(NDArray w, NDArray g, NDArray[] slots, float lr, boolean regularized, long t) {
        NDArray m = slots[0];
        NDArray v = slots[1];
        m.muli(beta1).addi(g.mul(1f - beta1));
        v.muli(beta2).addi(g.square().muli(1f - beta2));
        float correction1 = (float) (1.0 - Math.pow(beta1, (double) t));
        float correction2 = (float) (1.0 - Math.pow(beta2, (double) t));
        if (regularized && weightDecay != 0f) {
            w.muli(1f - lr * weightDecay);
        }
        NDArray denominator = v.div(correction2).sqrt().addi(epsilon);
        w.subi(m.div(correction1).divi(denominator).muli(lr));
    }
}
