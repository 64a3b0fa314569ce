package io.byol4j.exporter.graph.ops;

import ai.djl.nn.Block;
import ai.djl.util.Pair;
import io.byol4j.exporter.graph.BlockConverter;
import io.byol4j.exporter.graph.ConversionContext;
import io.byol4j.exporter.graph.GraphValue;
import io.byol4j.trainer.model.ResidualBlock;
import java.util.List;

/** {@link ResidualBlock}: {@code Relu(Add(main(x), shortcut(x) or x))}. */
final class ResidualConverter implements BlockConverter<ResidualBlock> {

    @Override
    public String convert(ResidualBlock block, GraphValue input, ConversionContext context) {
        GraphValue main = context.convert(childName(block, block.main(), context), block.main(), input);
        String shortcut = block.shortcut()
                .map(s ->
                        context.convert(childName(block, s, context), s, input).name())
                .orElse(input.name());
        String sum = context.node("Add", List.of(main.name(), shortcut));
        return context.node("Relu", List.of(sum));
    }

    private static String childName(Block parent, Block child, ConversionContext context) {
        for (Pair<String, Block> c : parent.getChildren()) {
            if (c.getValue() == child) {
                return c.getKey();
            }
        }
        throw context.unsupported("child block " + child.getClass().getSimpleName() + " is not registered as a child");
    }
}
