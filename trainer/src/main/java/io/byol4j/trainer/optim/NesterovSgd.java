package io.byol4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * SGD with Nesterov momentum and L2 weight decay, in PyTorch's formulation (the optimiser of the BYOL paper's
 * fine-tuning protocol): {@code u = g + wd·w} (regularised parameters only), {@code buf = momentum·buf + u},
 * {@code w = w - lr·(u + momentum·buf)}. Not thread-safe; see {@link Optimizer}.
 */
public final class NesterovSgd extends Optimizer {

    private final float momentum;
    private final float weightDecay;

    /**
     * @param parameters what to update
     * @param manager owns the momentum buffers
     * @param momentum in [0, 1)
     * @param weightDecay >= 0
     * @throws IllegalArgumentException for a momentum or weight decay out of range, or no parameters
     */
    public NesterovSgd(List<TrainableParameter> parameters, NDManager manager, double momentum, double weightDecay) {
        super(checked(parameters, momentum, weightDecay), manager, 1);
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
    }

    private static List<TrainableParameter> checked(
            List<TrainableParameter> parameters, double momentum, double weightDecay) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
        }
        return parameters;
    }

    @Override
    public String type() {
        return "nesterov-sgd";
    }

    @Override
    void update(NDArray w, NDArray g, NDArray[] slots, float lr, boolean regularized, long t) {
        NDArray u = regularized && weightDecay != 0f ? g.add(w.mul(weightDecay)) : g;
        NDArray buf = slots[0];
        buf.muli(momentum).addi(u);
        w.subi(u.add(buf.mul(momentum)).muli(lr));
    }
}
