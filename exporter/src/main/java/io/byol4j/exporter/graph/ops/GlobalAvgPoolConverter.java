package io.byol4j.exporter.graph.ops;

import io.byol4j.exporter.graph.Attributes;
import io.byol4j.exporter.graph.BlockConverter;
import io.byol4j.exporter.graph.ConversionContext;
import io.byol4j.exporter.graph.GraphValue;
import io.byol4j.trainer.model.GlobalAvgPoolBlock;
import java.util.List;

/** {@link GlobalAvgPoolBlock}: ONNX GlobalAveragePool then Flatten, giving {@code (N, C)}. */
final class GlobalAvgPoolConverter implements BlockConverter<GlobalAvgPoolBlock> {

    @Override
    public String convert(GlobalAvgPoolBlock block, GraphValue input, ConversionContext context) {
        if (input.shape().dimension() != 4) {
            throw context.unsupported("expected an NCHW input, got shape " + input.shape());
        }
        String pooled = context.node("GlobalAveragePool", List.of(input.name()));
        return context.node("Flatten", List.of(pooled), Attributes.integer("axis", 1));
    }
}
