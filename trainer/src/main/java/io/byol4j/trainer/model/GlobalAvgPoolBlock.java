package io.byol4j.trainer.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Averages NCHW input over H and W, giving (N, C): the encoder's embedding. */
public final class GlobalAvgPoolBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    public GlobalAvgPoolBlock() {
        super(VERSION);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        // The PyTorch engine reduces one axis per call: average W, then H (equal to the mean over both).
        return new NDList(inputs.singletonOrThrow().mean(new int[] {3}).mean(new int[] {2}));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), s.get(1))};
    }

    @Override
    public String toString() {
        return "GlobalAvgPool()";
    }
}
