package io.byol4j.exporter.graph.ops;

import io.byol4j.exporter.graph.BlockConverter;
import io.byol4j.exporter.graph.ConversionContext;
import io.byol4j.exporter.graph.GraphValue;
import io.byol4j.trainer.model.ReluBlock;
import java.util.List;

/** {@link ReluBlock}: ONNX Relu. */
final class ReluConverter implements BlockConverter<ReluBlock> {

    @Override
    public String convert(ReluBlock block, GraphValue input, ConversionContext context) {
        return context.node("Relu", List.of(input.name()));
    }
}
