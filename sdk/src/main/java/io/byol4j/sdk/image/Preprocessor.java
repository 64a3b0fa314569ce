package io.byol4j.sdk.image;

import io.byol4j.sdk.model.ModelContract;
import java.nio.BufferOverflowException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Turns a {@link DecodedImage} into the float input a model expects, in CHW order:
 * <ol>
 *   <li>convert to the model's channel count ({@link ImageOps#toChannels});
 *   <li>resize bilinearly so the shorter side is {@code resizeShorter}, skipped when it already is
 *       ({@link ImageOps#resizeShorterSide}); if the result would still be smaller than the crop in one
 *       dimension (only possible for a non-square crop), the target grows just enough to cover it;
 *   <li>centre-crop to {@code height × width} ({@link ImageOps#centerCrop});
 *   <li>scale to [0, 1] with {@code x / 255} and normalise with {@code (x - mean[c]) / std[c]}.
 * </ol>
 * The result is exactly what that chain of {@link ImageOps} calls produces followed by the
 * normalisation, but computed in one pass over the cropped window, without intermediate images and
 * with a per-channel lookup table for the normalisation.
 *
 * <p>Immutable and thread-safe; scratch buffers are per thread.
 */
public final class Preprocessor {

    private static final int MAX_RETAINED_BYTES = 1 << 22;
    private static final ThreadLocal<byte[]> WINDOW = ThreadLocal.withInitial(() -> new byte[0]);
    private static final ThreadLocal<float[]> STAGING = ThreadLocal.withInitial(() -> new float[0]);

    private final int channels;
    private final int height;
    private final int width;
    private final int resizeShorter;
    private final float[] mean;
    private final float[] std;
    private final float[][] lut;

    /** A preprocessor for the input a model's contract describes. */
    public Preprocessor(ModelContract contract) {
        this(
                contract.channels(),
                contract.height(),
                contract.width(),
                contract.resizeShorter(),
                contract.mean(),
                contract.std());
    }

    /**
     * A preprocessor with explicit geometry and normalisation.
     *
     * @param channels 1 or 3
     * @param height crop height, positive
     * @param width crop width, positive
     * @param resizeShorter length of the shorter side before cropping, at least {@code min(height, width)}
     * @param mean per-channel mean in [0, 1] units, one value per channel
     * @param std per-channel standard deviation, positive, one value per channel
     */
    public Preprocessor(int channels, int height, int width, int resizeShorter, float[] mean, float[] std) {
        ImageOps.checkChannels(channels);
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("crop size must be positive, got " + height + "x" + width);
        }
        if (resizeShorter < Math.min(height, width)) {
            throw new IllegalArgumentException(
                    "resizeShorter " + resizeShorter + " is smaller than the crop " + height + "x" + width);
        }
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException(
                    "mean and std need " + channels + " values each, got " + mean.length + " and " + std.length);
        }
        for (int c = 0; c < channels; c++) {
            if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("bad normalisation: mean " + Arrays.toString(mean) + ", std "
                        + Arrays.toString(std) + " (std must be positive and finite)");
            }
        }
        if ((long) channels * height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("input " + channels + "x" + height + "x" + width + " is too large");
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.resizeShorter = resizeShorter;
        this.mean = mean.clone();
        this.std = std.clone();
        this.lut = new float[channels][256];
        for (int c = 0; c < channels; c++) {
            for (int v = 0; v < 256; v++) {
                lut[c][v] = (v / 255f - this.mean[c]) / this.std[c];
            }
        }
    }

    /** Output channels. */
    public int channels() {
        return channels;
    }

    /** Output height. */
    public int height() {
        return height;
    }

    /** Output width. */
    public int width() {
        return width;
    }

    /** Shorter-side length the image is resized to before cropping. */
    public int resizeShorter() {
        return resizeShorter;
    }

    /** Number of floats one image produces: {@code channels × height × width}. */
    public int inputSize() {
        return channels * height * width;
    }

    /**
     * Writes the preprocessed image into {@code out[offset .. offset + inputSize())} in CHW order.
     *
     * @throws IndexOutOfBoundsException if that range does not fit in {@code out}
     */
    public void apply(DecodedImage img, float[] out, int offset) {
        Objects.requireNonNull(img, "img");
        Objects.requireNonNull(out, "out");
        Objects.checkFromIndexSize(offset, inputSize(), out.length);
        DecodedImage src = img.channels() == 3 && channels == 1 ? ImageOps.toChannels(img, 1) : img;
        int sw = src.width();
        int sh = src.height();
        int sc = src.channels();
        int[] size = resizedSize(sw, sh);
        int rw = size[0];
        int rh = size[1];
        int x0 = ImageOps.cropOffset(rw, width);
        int y0 = ImageOps.cropOffset(rh, height);
        if (rw == sw && rh == sh) {
            normalise(src.pixelArray(), sw, sc, x0, y0, out, offset);
        } else {
            byte[] window = window(width * height * sc);
            Resampler.resizeWindow(src.pixelArray(), sw, sh, sc, rw, rh, x0, y0, width, height, window);
            normalise(window, width, sc, 0, 0, out, offset);
        }
    }

    /**
     * Writes the preprocessed image at the buffer's position and advances the position by
     * {@link #inputSize()}.
     *
     * @throws BufferOverflowException if fewer than {@link #inputSize()} floats remain
     */
    public void apply(DecodedImage img, FloatBuffer out) {
        Objects.requireNonNull(out, "out");
        int n = inputSize();
        if (out.remaining() < n) {
            throw new BufferOverflowException();
        }
        if (out.hasArray()) {
            apply(img, out.array(), out.arrayOffset() + out.position());
            out.position(out.position() + n);
        } else {
            float[] staging = staging(n);
            apply(img, staging, 0);
            out.put(staging, 0, n);
        }
    }

    /** The preprocessed image as a new array of {@link #inputSize()} floats. */
    public float[] apply(DecodedImage img) {
        float[] out = new float[inputSize()];
        apply(img, out, 0);
        return out;
    }

    /** Size after the shorter-side resize, grown if needed so the crop fits. */
    private int[] resizedSize(int w, int h) {
        int shorter = Math.min(w, h);
        if (shorter == resizeShorter && w >= width && h >= height) {
            return new int[] {w, h};
        }
        int target = resizeShorter;
        int[] size = ImageOps.shorterSideSize(w, h, target);
        while (size[0] < width || size[1] < height) {
            target++;
            size = ImageOps.shorterSideSize(w, h, target);
        }
        return size;
    }

    /** Looks up the normalised value of each pixel of the window into CHW planes. */
    private void normalise(byte[] src, int srcWidth, int srcChannels, int x0, int y0, float[] out, int offset) {
        int plane = width * height;
        for (int c = 0; c < channels; c++) {
            float[] table = lut[c];
            int sourceChannel = srcChannels == channels ? c : 0;
            int o = offset + c * plane;
            for (int y = 0; y < height; y++) {
                int s = ((y0 + y) * srcWidth + x0) * srcChannels + sourceChannel;
                for (int x = 0; x < width; x++, s += srcChannels) {
                    out[o++] = table[src[s] & 0xFF];
                }
            }
        }
    }

    private static byte[] window(int size) {
        if (size > MAX_RETAINED_BYTES) {
            return new byte[size];
        }
        byte[] buf = WINDOW.get();
        if (buf.length < size) {
            buf = new byte[size];
            WINDOW.set(buf);
        }
        return buf;
    }

    private static float[] staging(int size) {
        if (size > MAX_RETAINED_BYTES / 4) {
            return new float[size];
        }
        float[] buf = STAGING.get();
        if (buf.length < size) {
            buf = new float[size];
            STAGING.set(buf);
        }
        return buf;
    }

    @Override
    public String toString() {
        return "Preprocessor[" + channels + "x" + height + "x" + width + ", resizeShorter=" + resizeShorter + ", mean="
                + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
