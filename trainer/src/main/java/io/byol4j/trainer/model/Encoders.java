package io.byol4j.trainer.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;

/**
 * Builds ResNet encoders (He et al. 2016) as DJL block trees made only of {@link SequentialBlock},
 * {@link Conv2d}, {@link BatchNorm}, {@link ReluBlock}, {@link MaxPoolBlock}, {@link ResidualBlock} and
 * {@link GlobalAvgPoolBlock}. The encoder maps (N, C, H, W) to (N, embeddingDim).
 */
public final class Encoders {

    /** Architectures this factory builds. */
    public static final List<String> ARCHITECTURES = List.of("resnet10", "resnet18", "resnet34", "resnet50");

    private Encoders() {}

    /** Builds an uninitialised encoder for {@code spec}. */
    public static Block build(EncoderSpec spec) {
        SequentialBlock net = new SequentialBlock();
        int w = spec.width();
        if (spec.cifarStem()) {
            net.add(conv(w, 3, 1, 1)).add(bn()).add(new ReluBlock());
        } else {
            net.add(conv(w, 7, 2, 3)).add(bn()).add(new ReluBlock()).add(new MaxPoolBlock(3, 2, 1));
        }
        int[] blocks = blocksPerStage(spec.architecture());
        boolean bottleneck = isBottleneck(spec.architecture());
        int expansion = bottleneck ? 4 : 1;
        int inChannels = w;
        for (int stage = 0; stage < 4; stage++) {
            int planes = w << stage;
            for (int b = 0; b < blocks[stage]; b++) {
                int stride = (b == 0 && stage > 0) ? 2 : 1;
                int outChannels = planes * expansion;
                Block shortcut = (stride != 1 || inChannels != outChannels)
                        ? new SequentialBlock()
                                .add(conv(outChannels, 1, stride, 0))
                                .add(bn())
                        : null;
                Block main = bottleneck ? bottleneck(planes, stride) : basic(planes, stride);
                net.add(new ResidualBlock(main, shortcut));
                inChannels = outChannels;
            }
        }
        net.add(new GlobalAvgPoolBlock());
        return net;
    }

    /**
     * Input channels of the narrowest strided 1×1 convolution in {@code spec}'s encoder: the projection
     * shortcut into stage 2, which reads stage 1's {@code width × expansion} channels.
     */
    public static int narrowestStridedPointwiseInput(EncoderSpec spec) {
        return spec.width() * (isBottleneck(spec.architecture()) ? 4 : 1);
    }

    /** The embedding dimension of {@code spec}'s encoder. */
    public static int embeddingDim(EncoderSpec spec) {
        return (spec.width() << 3) * (isBottleneck(spec.architecture()) ? 4 : 1);
    }

    private static Block basic(int planes, int stride) {
        return new SequentialBlock()
                .add(conv(planes, 3, stride, 1))
                .add(bn())
                .add(new ReluBlock())
                .add(conv(planes, 3, 1, 1))
                .add(bn());
    }

    private static Block bottleneck(int planes, int stride) {
        return new SequentialBlock()
                .add(conv(planes, 1, 1, 0))
                .add(bn())
                .add(new ReluBlock())
                .add(conv(planes, 3, stride, 1))
                .add(bn())
                .add(new ReluBlock())
                .add(conv(planes * 4, 1, 1, 0))
                .add(bn());
    }

    private static int[] blocksPerStage(String architecture) {
        switch (architecture) {
            case "resnet10":
                return new int[] {1, 1, 1, 1};
            case "resnet18":
                return new int[] {2, 2, 2, 2};
            case "resnet34":
            case "resnet50":
                return new int[] {3, 4, 6, 3};
            default:
                throw new IllegalArgumentException("unknown encoder architecture " + architecture);
        }
    }

    private static boolean isBottleneck(String architecture) {
        return "resnet50".equals(architecture);
    }

    static Conv2d conv(int filters, int kernel, int stride, int padding) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optBias(false)
                .build();
    }

    static BatchNorm bn() {
        return BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build();
    }
}
