package io.byol4j.exporter.graph.ops;

import ai.djl.nn.norm.BatchNorm;
import io.byol4j.exporter.graph.Attributes;
import io.byol4j.exporter.graph.BlockConverter;
import io.byol4j.exporter.graph.ConversionContext;
import io.byol4j.exporter.graph.GraphValue;
import java.util.List;

/**
 * {@link BatchNorm} in inference form: ONNX BatchNormalization over axis 1 with the block's gamma,
 * beta, running mean, running variance and epsilon.
 */
final class BatchNormConverter implements BlockConverter<BatchNorm> {

    @Override
    public String convert(BatchNorm block, GraphValue input, ConversionContext context) {
        if (input.shape().dimension() < 2) {
            throw context.unsupported("BatchNorm needs a (batch, channels, ...) input, got shape " + input.shape());
        }
        long channels = input.shape().get(1);
        long statistics = context.parameterArray(block, "gamma").size();
        if (channels != statistics) {
            throw context.unsupported("it normalises " + statistics + " features but its input has " + channels
                    + " channels on axis 1 (only channel axis 1 is exportable)");
        }
        float epsilon = BatchNormEpsilon.measure(block, context);
        List<String> inputs = List.of(
                input.name(),
                context.parameter(block, "gamma"),
                context.parameter(block, "beta"),
                context.parameter(block, "runningMean"),
                context.parameter(block, "runningVar"));
        return context.node("BatchNormalization", inputs, Attributes.real("epsilon", epsilon));
    }
}
