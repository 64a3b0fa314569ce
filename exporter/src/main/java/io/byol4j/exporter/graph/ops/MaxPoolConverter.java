package io.byol4j.exporter.graph.ops;

import io.byol4j.exporter.graph.Attributes;
import io.byol4j.exporter.graph.BlockConverter;
import io.byol4j.exporter.graph.ConversionContext;
import io.byol4j.exporter.graph.GraphValue;
import io.byol4j.trainer.model.MaxPoolBlock;
import java.util.List;

/** {@link MaxPoolBlock}: ONNX MaxPool with a square kernel, floor rounding (ceil_mode 0). */
final class MaxPoolConverter implements BlockConverter<MaxPoolBlock> {

    @Override
    public String convert(MaxPoolBlock block, GraphValue input, ConversionContext context) {
        int k = block.kernel();
        int s = block.stride();
        int p = block.padding();
        return context.node(
                "MaxPool",
                List.of(input.name()),
                Attributes.integers("kernel_shape", k, k),
                Attributes.integers("strides", s, s),
                Attributes.integers("pads", p, p, p, p),
                Attributes.integer("ceil_mode", 0));
    }
}
