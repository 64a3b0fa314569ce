package io.byol4j.trainer.model;

import java.util.Locale;

/**
 * Which encoder to build.
 *
 * @param architecture {@code resnet10}, {@code resnet18}, {@code resnet34} or {@code resnet50}
 * @param width channels of the first stage (64 in the paper); stages use width × 1, 2, 4, 8
 * @param cifarStem true for the CIFAR stem (3×3 convolution, stride 1, no max-pool), false for the
 *     ImageNet stem (7×7 convolution, stride 2, then 3×3 max-pool with stride 2)
 * @param inputChannels 1 (gray) or 3 (RGB)
 */
public record EncoderSpec(String architecture, int width, boolean cifarStem, int inputChannels) {

    /** Validates the spec and normalises the architecture name to lower case. */
    public EncoderSpec {
        architecture = architecture == null ? "" : architecture.toLowerCase(Locale.ROOT);
        if (!Encoders.ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException(
                    "unknown encoder architecture '" + architecture + "'; known: " + Encoders.ARCHITECTURES);
        }
        if (width < 1) {
            throw new IllegalArgumentException("encoder width must be at least 1, got " + width);
        }
        if (inputChannels != 1 && inputChannels != 3) {
            throw new IllegalArgumentException("input channels must be 1 or 3, got " + inputChannels);
        }
    }

    /** Dimension of the embedding the encoder outputs. */
    public int embeddingDim() {
        return Encoders.embeddingDim(this);
    }

    /** A compact name such as {@code resnet18-w16-cifar-c3}. */
    public String displayName() {
        return architecture + "-w" + width + (cifarStem ? "-cifar" : "-imagenet") + "-c" + inputChannels;
    }
}
