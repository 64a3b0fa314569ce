package io.byol4j.trainer.model;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;

/** BYOL's projector and predictor: Linear → BatchNorm → ReLU → Linear (no BatchNorm on the output). */
public final class Mlp {

    private Mlp() {}

    /** Builds an MLP with {@code hidden} hidden units and {@code out} outputs. */
    public static Block build(int hidden, int out) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).optBias(true).build())
                .add(BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build())
                .add(new ReluBlock())
                .add(Linear.builder().setUnits(out).optBias(true).build());
    }
}
