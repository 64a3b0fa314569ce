package io.byol4j.exporter.graph.ops;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import io.byol4j.exporter.graph.Attributes;
import io.byol4j.exporter.graph.BlockConverter;
import io.byol4j.exporter.graph.ConversionContext;
import io.byol4j.exporter.graph.GraphValue;
import java.util.ArrayList;
import java.util.List;

/** {@link Conv2d}: ONNX Conv with the block's kernel, stride, symmetric padding, dilation and groups. */
final class Conv2dConverter implements BlockConverter<Conv2d> {

    @Override
    public String convert(Conv2d block, GraphValue input, ConversionContext context) {
        Shape kernel = block.getKernelShape();
        Shape stride = block.getStride();
        Shape padding = block.getPadding();
        Shape dilation = block.getDilation();
        if (kernel.dimension() != 2
                || stride.dimension() != 2
                || padding.dimension() != 2
                || dilation.dimension() != 2) {
            throw context.unsupported("expected 2-D kernel/stride/padding/dilation, got " + kernel + "/" + stride + "/"
                    + padding + "/" + dilation);
        }
        List<String> inputs = new ArrayList<>(List.of(input.name(), context.parameter(block, "weight")));
        if (block.isIncludeBias()) {
            inputs.add(context.parameter(block, "bias"));
        }
        return context.node(
                "Conv",
                inputs,
                Attributes.integers("kernel_shape", kernel.getShape()),
                Attributes.integers("strides", stride.getShape()),
                Attributes.integers("pads", padding.get(0), padding.get(1), padding.get(0), padding.get(1)),
                Attributes.integers("dilations", dilation.getShape()),
                Attributes.integer("group", block.getGroups()));
    }
}
