package io.byol4j.trainer.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** 2-D max pooling over NCHW input with a square kernel, stride and padding. */
public final class MaxPoolBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int kernel;
    private final int stride;
    private final int padding;

    public MaxPoolBlock(int kernel, int stride, int padding) {
        super(VERSION);
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(Pool.maxPool2d(
                inputs.singletonOrThrow(),
                new Shape(kernel, kernel),
                new Shape(stride, stride),
                new Shape(padding, padding),
                false));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        long h = (s.get(2) + 2L * padding - kernel) / stride + 1;
        long w = (s.get(3) + 2L * padding - kernel) / stride + 1;
        return new Shape[] {new Shape(s.get(0), s.get(1), h, w)};
    }

    @Override
    public String toString() {
        return "MaxPool(" + kernel + ", stride=" + stride + ", pad=" + padding + ")";
    }
}
