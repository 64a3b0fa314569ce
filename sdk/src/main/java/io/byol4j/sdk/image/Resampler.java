package io.byol4j.sdk.image;

import java.util.Arrays;

/**
 * Separable bilinear (triangle-filter) resampling of 8-bit interleaved images.
 *
 * <p>Pixel centres sit at half-integer positions, as in most imaging libraries. When enlarging, each
 * output sample interpolates its two nearest inputs; when shrinking, the triangle widens with the
 * scale factor so every input pixel contributes (antialiasing). Weights are normalised, which also
 * clamps at the borders. Results are rounded to the nearest integer.
 *
 * <p>The same code computes a full resize ({@link ImageOps#resizeBilinear}) and a cropped window of a
 * resize ({@link Preprocessor}), so both produce identical bytes.
 */
final class Resampler {

    /** Intermediate buffers above this many floats are not kept per thread. */
    private static final int MAX_RETAINED_FLOATS = 1 << 20;

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private Resampler() {}

    /** Filter taps for a run of output positions along one axis. */
    static final class Taps {
        final int[] first;
        final int[] count;
        final float[] weights;
        final int stride;
        final int minInput;
        final int maxInput;

        private Taps(int[] first, int[] count, float[] weights, int stride, int minInput, int maxInput) {
            this.first = first;
            this.count = count;
            this.weights = weights;
            this.stride = stride;
            this.minInput = minInput;
            this.maxInput = maxInput;
        }
    }

    /**
     * Taps for output positions {@code [from, from + n)} of a resize from {@code inSize} to
     * {@code outSize} samples.
     */
    static Taps taps(int inSize, int outSize, int from, int n) {
        double scale = (double) inSize / outSize;
        double support = Math.max(scale, 1.0);
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[n];
        int[] count = new int[n];
        float[] weights = new float[n * stride];
        double[] raw = new double[stride];
        int minInput = Integer.MAX_VALUE;
        int maxInput = Integer.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            double centre = (from + i + 0.5) * scale - 0.5;
            int lo = Math.max(0, (int) Math.ceil(centre - support));
            int hi = Math.min(inSize - 1, (int) Math.floor(centre + support));
            double sum = 0;
            int k = 0;
            int start = -1;
            for (int j = lo; j <= hi; j++) {
                double w = 1.0 - Math.abs(j - centre) / support;
                if (w <= 0) {
                    if (start < 0) {
                        continue;
                    }
                    break;
                }
                if (start < 0) {
                    start = j;
                }
                raw[k++] = w;
                sum += w;
            }
            if (k == 0) { // unreachable: the nearest input is always within half a pixel
                start = Math.min(inSize - 1, Math.max(0, (int) Math.round(centre)));
                raw[k++] = 1.0;
                sum = 1.0;
            }
            first[i] = start;
            count[i] = k;
            for (int t = 0; t < k; t++) {
                weights[i * stride + t] = (float) (raw[t] / sum);
            }
            minInput = Math.min(minInput, start);
            maxInput = Math.max(maxInput, start + k - 1);
        }
        return new Taps(first, count, weights, stride, minInput, maxInput);
    }

    /**
     * Resizes {@code src} ({@code sw × sh × channels}, interleaved) to {@code rw × rh} and writes the
     * window starting at {@code (x0, y0)} of size {@code cw × ch} into {@code dst} (interleaved,
     * {@code cw × ch × channels}).
     */
    static void resizeWindow(
            byte[] src, int sw, int sh, int channels, int rw, int rh, int x0, int y0, int cw, int ch, byte[] dst) {
        Taps tx = taps(sw, rw, x0, cw);
        Taps ty = taps(sh, rh, y0, ch);
        int rowFrom = ty.minInput;
        int rows = ty.maxInput - rowFrom + 1;
        int rowLen = cw * channels;
        float[] tmp = scratch(rows * rowLen);
        float[] acc = new float[rowLen];

        // Horizontal pass over the input rows the vertical pass needs.
        int srcRowLen = sw * channels;
        for (int r = 0; r < rows; r++) {
            int srcBase = (rowFrom + r) * srcRowLen;
            int tmpBase = r * rowLen;
            if (channels == 3) {
                horizontalRgb(src, srcBase, tx, cw, tmp, tmpBase);
            } else {
                horizontalAny(src, srcBase, channels, tx, cw, tmp, tmpBase);
            }
        }

        // Vertical pass: accumulate whole rows (a loop the JIT vectorises), then round to bytes.
        for (int y = 0; y < ch; y++) {
            int start = ty.first[y] - rowFrom;
            int n = ty.count[y];
            int wBase = y * ty.stride;
            Arrays.fill(acc, 0f);
            for (int t = 0; t < n; t++) {
                float w = ty.weights[wBase + t];
                int rowBase = (start + t) * rowLen;
                for (int i = 0; i < rowLen; i++) {
                    acc[i] += w * tmp[rowBase + i];
                }
            }
            int dstBase = y * rowLen;
            for (int i = 0; i < rowLen; i++) {
                int v = (int) (acc[i] + 0.5f);
                dst[dstBase + i] = (byte) (v < 0 ? 0 : Math.min(v, 255));
            }
        }
    }

    private static void horizontalRgb(byte[] src, int srcBase, Taps tx, int cw, float[] tmp, int tmpBase) {
        int[] first = tx.first;
        int[] count = tx.count;
        float[] weights = tx.weights;
        int stride = tx.stride;
        for (int x = 0, o = tmpBase; x < cw; x++, o += 3) {
            int s = srcBase + first[x] * 3;
            int wBase = x * stride;
            int n = count[x];
            float r = 0f;
            float g = 0f;
            float b = 0f;
            for (int t = 0; t < n; t++, s += 3) {
                float w = weights[wBase + t];
                r += w * (src[s] & 0xFF);
                g += w * (src[s + 1] & 0xFF);
                b += w * (src[s + 2] & 0xFF);
            }
            tmp[o] = r;
            tmp[o + 1] = g;
            tmp[o + 2] = b;
        }
    }

    private static void horizontalAny(
            byte[] src, int srcBase, int channels, Taps tx, int cw, float[] tmp, int tmpBase) {
        for (int x = 0; x < cw; x++) {
            int start = tx.first[x];
            int n = tx.count[x];
            int wBase = x * tx.stride;
            for (int c = 0; c < channels; c++) {
                float acc = 0f;
                int s = srcBase + start * channels + c;
                for (int t = 0; t < n; t++, s += channels) {
                    acc += tx.weights[wBase + t] * (src[s] & 0xFF);
                }
                tmp[tmpBase + x * channels + c] = acc;
            }
        }
    }

    private static float[] scratch(int size) {
        if (size > MAX_RETAINED_FLOATS) {
            return new float[size];
        }
        float[] buf = SCRATCH.get();
        if (buf.length < size) {
            buf = new float[Math.max(size, Math.min(MAX_RETAINED_FLOATS, buf.length * 2))];
            SCRATCH.set(buf);
        }
        return buf;
    }
}
