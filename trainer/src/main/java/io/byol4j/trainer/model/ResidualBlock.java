package io.byol4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Optional;

/**
 * {@code relu(main(x) + shortcut(x))}, where the shortcut is the identity when absent. The join is
 * fixed (addition then ReLU) so that exporters can translate the block without inspecting code.
 */
public final class ResidualBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block main;
    private final Block shortcut;

    /**
     * @param main the residual branch
     * @param shortcut the projection branch, or {@code null} for the identity
     */
    public ResidualBlock(Block main, Block shortcut) {
        super(VERSION);
        this.main = addChildBlock("main", main);
        this.shortcut = shortcut == null ? null : addChildBlock("shortcut", shortcut);
    }

    /** The residual branch. */
    public Block main() {
        return main;
    }

    /** The projection branch; empty when the shortcut is the identity. */
    public Optional<Block> shortcut() {
        return Optional.ofNullable(shortcut);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = main.forward(parameterStore, inputs, training, params).singletonOrThrow();
        NDArray s = shortcut == null
                ? x
                : shortcut.forward(parameterStore, inputs, training, params).singletonOrThrow();
        return new NDList(Activation.relu(y.add(s)));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        main.initialize(manager, dataType, inputShapes);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return main.getOutputShapes(inputShapes);
    }
}
