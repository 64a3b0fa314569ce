package io.byol4j.exporter.graph.ops;

import ai.djl.nn.core.Linear;
import io.byol4j.exporter.graph.Attributes;
import io.byol4j.exporter.graph.BlockConverter;
import io.byol4j.exporter.graph.ConversionContext;
import io.byol4j.exporter.graph.GraphValue;
import java.util.ArrayList;
import java.util.List;

/** {@link Linear} on {@code (N, in)}: ONNX Gemm with {@code transB=1} (DJL stores weights as (out, in)). */
final class LinearConverter implements BlockConverter<Linear> {

    @Override
    public String convert(Linear block, GraphValue input, ConversionContext context) {
        if (input.shape().dimension() != 2) {
            throw context.unsupported(
                    "Linear is exported for (batch, features) inputs only, got shape " + input.shape());
        }
        List<String> inputs = new ArrayList<>(List.of(input.name(), context.parameter(block, "weight")));
        if (context.hasParameter(block, "bias")) {
            inputs.add(context.parameter(block, "bias"));
        }
        return context.node("Gemm", inputs, Attributes.integer("transB", 1));
    }
}
