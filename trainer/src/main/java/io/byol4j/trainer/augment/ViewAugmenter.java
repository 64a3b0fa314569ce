package io.byol4j.trainer.augment;

import io.byol4j.sdk.image.DecodedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Draws BYOL views of images according to a {@link ViewConfig} and writes them as normalised CHW floats.
 *
 * <p>Pipeline, all on [0, 1] values: random resized crop (sampled straight from the source into the output
 * size with an antialiased bilinear filter), horizontal flip, rotation (bilinear, mirrored border), colour jitter (adjustments in random order,
 * clamped to [0, 1] after each), grayscale, Gaussian blur, solarisation, then {@code (x - mean[c]) / std[c]}.
 * Gray sources are replicated when three channels are requested; RGB sources are reduced to luma
 * ({@code 0.299 R + 0.587 G + 0.114 B}) when one channel is requested.
 *
 * <p>All randomness comes from the {@link SplittableRandom} passed in, so a view is a pure function of the
 * image, the configuration and the generator's state. Instances are immutable and safe to share between
 * threads; each call needs its own generator.
 */
public final class ViewAugmenter {

    private final ViewConfig config;
    private final int outSize;
    private final int outChannels;
    private final float[] mean;
    private final float[] invStd;
    private final GaussianBlur blur;

    /**
     * @param cfg         the view distribution
     * @param outSize     side of the square output in pixels (at least 1)
     * @param outChannels 1 or 3
     * @param mean        per-channel mean subtracted after augmentation, {@code outChannels} values
     * @param std         per-channel positive standard deviation divided by, {@code outChannels} values
     */
    public ViewAugmenter(ViewConfig cfg, int outSize, int outChannels, float[] mean, float[] std) {
        this.config = Objects.requireNonNull(cfg, "cfg");
        if (outSize < 1) {
            throw new IllegalArgumentException("outSize must be >= 1, got " + outSize);
        }
        if (outChannels != 1 && outChannels != 3) {
            throw new IllegalArgumentException("outChannels must be 1 or 3, got " + outChannels);
        }
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if (mean.length != outChannels || std.length != outChannels) {
            throw new IllegalArgumentException(
                    "mean and std need " + outChannels + " values each, got " + mean.length + " and " + std.length);
        }
        this.outSize = outSize;
        this.outChannels = outChannels;
        this.mean = mean.clone();
        this.invStd = new float[outChannels];
        for (int c = 0; c < outChannels; c++) {
            if (!Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("mean[" + c + "] must be finite, got " + mean[c]);
            }
            if (!(std[c] > 0f) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("std[" + c + "] must be finite and > 0, got " + std[c]);
            }
            invStd[c] = 1f / std[c];
        }
        this.blur = new GaussianBlur(outSize, cfg.blur().kernelSize(outSize));
    }

    /** The view distribution. */
    public ViewConfig config() {
        return config;
    }

    /** Side of the square output in pixels. */
    public int outSize() {
        return outSize;
    }

    /** Number of output channels (1 or 3). */
    public int outChannels() {
        return outChannels;
    }

    /** Number of floats one view occupies: {@code outChannels × outSize × outSize}. */
    public int viewLength() {
        return outChannels * outSize * outSize;
    }

    /**
     * Draws a view of {@code img} and writes it at {@code out[offset .. offset + viewLength())}.
     *
     * @throws IllegalArgumentException if the output range does not fit in {@code out}
     */
    public void apply(DecodedImage img, SplittableRandom rng, float[] out, int offset) {
        Objects.requireNonNull(img, "img");
        apply(img, sample(img.width(), img.height(), rng), out, offset);
    }

    /** Draws the random choices for one view of a {@code width × height} image. */
    public ViewParams sample(int width, int height, SplittableRandom rng) {
        Objects.requireNonNull(rng, "rng");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        CropRect crop = config.randomResizedCrop().enabled()
                ? CropRect.random(width, height, config.randomResizedCrop(), rng)
                : CropRect.centreSquare(width, height);
        boolean flip = chance(config.flipProbability(), rng);
        float rotation = 0f;
        if (chance(config.rotation().probability(), rng)) {
            double max = config.rotation().maxDegrees();
            rotation = (float) (max * (2.0 * rng.nextDouble() - 1.0));
        }

        ColorJitterConfig jitter = config.colorJitter();
        List<ColorOp> order = List.of();
        float brightness = 1f;
        float contrast = 1f;
        float saturation = 1f;
        float hue = 0f;
        if (chance(jitter.probability(), rng)) {
            order = shuffledEnabledOps(jitter, rng);
            brightness = factor(jitter.brightness(), rng);
            contrast = factor(jitter.contrast(), rng);
            saturation = factor(jitter.saturation(), rng);
            hue = jitter.hue() > 0 ? (float) (jitter.hue() * (2.0 * rng.nextDouble() - 1.0)) : 0f;
        }
        boolean grayscale = chance(config.grayscaleProbability(), rng);
        float sigma = 0f;
        if (chance(config.blur().probability(), rng)) {
            BlurConfig b = config.blur();
            sigma = (float) (b.sigmaMin() + (b.sigmaMax() - b.sigmaMin()) * rng.nextDouble());
        }
        boolean solarize = chance(config.solarize().probability(), rng);
        return new ViewParams(
                crop.x(),
                crop.y(),
                crop.width(),
                crop.height(),
                flip,
                order,
                brightness,
                contrast,
                saturation,
                hue,
                grayscale,
                sigma,
                solarize,
                rotation);
    }

    /**
     * Applies already drawn choices to {@code img} and writes the view at
     * {@code out[offset .. offset + viewLength())}. Deterministic.
     *
     * @throws IllegalArgumentException if the crop lies outside the image or the output does not fit
     */
    public void apply(DecodedImage img, ViewParams params, float[] out, int offset) {
        Objects.requireNonNull(img, "img");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(out, "out");
        if (offset < 0 || (long) offset + viewLength() > out.length) {
            throw new IllegalArgumentException("a view needs " + viewLength() + " floats at offset " + offset
                    + " but the output array holds " + out.length);
        }
        if ((long) params.cropX() + params.cropWidth() > img.width()
                || (long) params.cropY() + params.cropHeight() > img.height()) {
            throw new IllegalArgumentException("crop " + params.cropWidth() + "x" + params.cropHeight()
                    + " at (" + params.cropX() + ", " + params.cropY() + ") exceeds the "
                    + img.width() + "x" + img.height() + " image");
        }
        int plane = outSize * outSize;
        ResizedCrop.sample(
                img,
                params.cropX(),
                params.cropY(),
                params.cropWidth(),
                params.cropHeight(),
                params.flip(),
                outSize,
                outChannels,
                out,
                offset);
        Rotation.apply(out, offset, outChannels, outSize, params.rotationDegrees());
        for (ColorOp op : params.colorOrder()) {
            switch (op) {
                case BRIGHTNESS -> ColorAdjust.brightness(out, offset, outChannels, plane, params.brightness());
                case CONTRAST -> ColorAdjust.contrast(out, offset, outChannels, plane, params.contrast());
                case SATURATION -> ColorAdjust.saturation(out, offset, outChannels, plane, params.saturation());
                case HUE -> ColorAdjust.hue(out, offset, outChannels, plane, params.hue());
            }
        }
        if (params.grayscale()) {
            ColorAdjust.grayscale(out, offset, outChannels, plane);
        }
        if (params.blurSigma() > 0f) {
            blur.apply(out, offset, outChannels, params.blurSigma());
        }
        if (params.solarize()) {
            ColorAdjust.solarize(
                    out, offset, outChannels * plane, (float) config.solarize().threshold());
        }
        ColorAdjust.normalize(out, offset, plane, mean, invStd);
    }

    private static boolean chance(double probability, SplittableRandom rng) {
        return probability > 0.0 && rng.nextDouble() < probability;
    }

    /** Uniform in [max(0, 1 - strength), 1 + strength]; exactly 1 for strength 0. */
    private static float factor(double strength, SplittableRandom rng) {
        if (strength <= 0.0) {
            return 1f;
        }
        double lo = Math.max(0.0, 1.0 - strength);
        return (float) (lo + (1.0 + strength - lo) * rng.nextDouble());
    }

    private static List<ColorOp> shuffledEnabledOps(ColorJitterConfig jitter, SplittableRandom rng) {
        ColorOp[] ops = ColorOp.values();
        for (int i = ops.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            ColorOp t = ops[i];
            ops[i] = ops[j];
            ops[j] = t;
        }
        List<ColorOp> enabled = new ArrayList<>(ops.length);
        for (ColorOp op : ops) {
            double strength = switch (op) {
                case BRIGHTNESS -> jitter.brightness();
                case CONTRAST -> jitter.contrast();
                case SATURATION -> jitter.saturation();
                case HUE -> jitter.hue();
            };
            if (strength > 0.0) {
                enabled.add(op);
            }
        }
        return enabled;
    }
}
