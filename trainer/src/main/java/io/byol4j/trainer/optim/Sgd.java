package io.byol4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * SGD with heavy-ball momentum and L2 weight decay:
 * {@code u = g + wd·w} (regularised parameters only), {@code buf = momentum·buf + u}, {@code w = w - lr·buf}.
 */
final class Sgd extends Optimizer {

    private final float momentum;
    private final float weightDecay;

    Sgd(List<TrainableParameter> parameters, NDManager manager, double momentum, double weightDecay) {
        super(parameters, manager, 1);
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
    }

    @Override
    public String type() {
        return "sgd";
    }

    @Override
    void update(NDArray w, NDArray g, NDArray[] slots, float lr, boolean regularized, long t) {
        NDArray u = regularized && weightDecay != 0f ? g.add(w.mul(weightDecay)) : g;
        NDArray buf = slots[0];
        buf.muli(momentum).addi(u);
        w.subi(buf.mul(lr));
    }
}
