package io.byol4j.exporter.graph.ops;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import io.byol4j.exporter.graph.BlockConverter;
import io.byol4j.exporter.graph.ConversionContext;
import io.byol4j.exporter.graph.GraphValue;

/** {@link SequentialBlock}: its children chained in order; an empty one is the identity. */
final class SequentialConverter implements BlockConverter<SequentialBlock> {

    @Override
    public String convert(SequentialBlock block, GraphValue input, ConversionContext context) {
        if (block.isReturnIntermediate()) {
            throw context.unsupported("it returns intermediate outputs; only single-output chains are exportable");
        }
        GraphValue value = input;
        for (Pair<String, Block> child : block.getChildren()) {
            value = context.convert(child.getKey(), child.getValue(), value);
        }
        return value.name();
    }
}
