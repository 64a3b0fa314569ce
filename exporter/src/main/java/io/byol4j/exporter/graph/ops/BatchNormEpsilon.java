package io.byol4j.exporter.graph.ops;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import io.byol4j.exporter.graph.ConversionContext;

/**
 * Measures the epsilon of a DJL {@link BatchNorm}, which the block neither exposes nor serialises.
 * The block is run once in inference mode on ones with substituted statistics (gamma 1, beta 0,
 * mean 0, variance 0), so its output is exactly {@code 1 / sqrt(epsilon)}. The block's own parameters
 * are not touched.
 */
final class BatchNormEpsilon {

    private BatchNormEpsilon() {}

    static float measure(BatchNorm block, ConversionContext context) {
        NDArray gamma = context.parameterArray(block, "gamma");
        Shape channels = new Shape(gamma.size());
        try (NDManager probe = gamma.getManager().newSubManager()) {
            ParameterStore substitute = new ParameterStore(probe, false) {
                @Override
                public NDArray getValue(Parameter parameter, Device device, boolean training) {
                    boolean isScale = "gamma".equals(parameter.getName());
                    return isScale
                            ? probe.ones(channels, gamma.getDataType(), device)
                            : probe.zeros(channels, gamma.getDataType(), device);
                }
            };
            NDArray ones = probe.ones(new Shape(1, gamma.size()), gamma.getDataType());
            double y = block.forward(substitute, new NDList(ones), false)
                    .singletonOrThrow()
                    .getFloat(0, 0);
            if (Double.isInfinite(y)) {
                return 0f;
            }
            if (!(y > 0)) {
                throw context.unsupported(
                        "probing its epsilon gave output " + y + " where 1/sqrt(epsilon) was expected");
            }
            return (float) (1.0 / (y * y));
        }
    }
}
