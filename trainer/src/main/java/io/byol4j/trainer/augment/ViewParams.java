package io.byol4j.trainer.augment;

import java.util.List;
import java.util.Objects;

/**
 * The random choices for one view, drawn by {@link ViewAugmenter#sample} and applied deterministically by
 * {@link ViewAugmenter#apply(io.byol4j.sdk.image.DecodedImage, ViewParams, float[], int)}.
 *
 * @param cropX       left column of the crop in the source image
 * @param cropY       top row of the crop in the source image
 * @param cropWidth   crop width in source pixels (at least 1)
 * @param cropHeight  crop height in source pixels (at least 1)
 * @param flip        mirror the view left to right
 * @param colorOrder  colour adjustments to apply, in this order; empty when colour jitter is not applied
 * @param brightness  brightness factor (1 = unchanged); used only if {@code colorOrder} lists it
 * @param contrast    contrast factor (1 = unchanged); used only if listed
 * @param saturation  saturation factor (1 = unchanged); used only if listed
 * @param hue         hue shift as a fraction of a turn, in [-0.5, 0.5] (0 = unchanged); used only if listed
 * @param grayscale   convert to grayscale (kept as replicated channels)
 * @param blurSigma   Gaussian blur sigma in output pixels; 0 means no blur
 * @param solarize    solarise with the view's threshold
 * @param rotationDegrees rotation about the view centre in degrees, clockwise as displayed; 0 means none
 */
public record ViewParams(
        int cropX,
        int cropY,
        int cropWidth,
        int cropHeight,
        boolean flip,
        List<ColorOp> colorOrder,
        float brightness,
        float contrast,
        float saturation,
        float hue,
        boolean grayscale,
        float blurSigma,
        boolean solarize,
        float rotationDegrees) {

    /** Validates the values and makes {@code colorOrder} an immutable copy. */
    public ViewParams {
        if (cropX < 0 || cropY < 0 || cropWidth < 1 || cropHeight < 1) {
            throw new IllegalArgumentException("crop must have a non-negative origin and positive size, got "
                    + cropWidth + "x" + cropHeight + " at (" + cropX + ", " + cropY + ")");
        }
        colorOrder = List.copyOf(Objects.requireNonNull(colorOrder, "colorOrder"));
        if (colorOrder.stream().distinct().count() != colorOrder.size()) {
            throw new IllegalArgumentException("colorOrder lists an adjustment twice: " + colorOrder);
        }
        Checks.nonNegative("brightness", brightness);
        Checks.nonNegative("contrast", contrast);
        Checks.nonNegative("saturation", saturation);
        if (!(hue >= -0.5f && hue <= 0.5f)) {
            throw new IllegalArgumentException("hue must be in [-0.5, 0.5], got " + hue);
        }
        Checks.nonNegative("blurSigma", blurSigma);
        if (!(rotationDegrees >= -180f && rotationDegrees <= 180f)) {
            throw new IllegalArgumentException("rotationDegrees must be in [-180, 180], got " + rotationDegrees);
        }
    }

    /** Parameters without rotation. */
    public ViewParams(
            int cropX,
            int cropY,
            int cropWidth,
            int cropHeight,
            boolean flip,
            List<ColorOp> colorOrder,
            float brightness,
            float contrast,
            float saturation,
            float hue,
            boolean grayscale,
            float blurSigma,
            boolean solarize) {
        this(
                cropX,
                cropY,
                cropWidth,
                cropHeight,
                flip,
                colorOrder,
                brightness,
                contrast,
                saturation,
                hue,
                grayscale,
                blurSigma,
                solarize,
                0f);
    }

    /** Parameters that crop the whole {@code width × height} image and change nothing else. */
    public static ViewParams identity(int width, int height) {
        return new ViewParams(0, 0, width, height, false, List.of(), 1f, 1f, 1f, 0f, false, 0f, false);
    }
}
