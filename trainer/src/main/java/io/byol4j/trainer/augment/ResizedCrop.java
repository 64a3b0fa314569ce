package io.byol4j.trainer.augment;

import io.byol4j.sdk.image.DecodedImage;

/**
 * Samples a crop of an 8-bit image straight into a square CHW float view in [0, 1], converting channels
 * on the way (luma for RGB to one channel, replication for gray to three) and optionally mirroring.
 * Separable: a horizontal pass over the crop's rows into an {@code cropHeight × outSize} buffer, then a
 * vertical pass into the output.
 */
final class ResizedCrop {

    static final float LUMA_R = 0.299f;
    static final float LUMA_G = 0.587f;
    static final float LUMA_B = 0.114f;

    private static final float[] UNIT = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            UNIT[i] = i / 255f;
        }
    }

    private ResizedCrop() {}

    static void sample(
            DecodedImage img,
            int x0,
            int y0,
            int cropWidth,
            int cropHeight,
            boolean flip,
            int outSize,
            int outChannels,
            float[] out,
            int offset) {
        AxisFilter fx = AxisFilter.of(cropWidth, outSize);
        AxisFilter fy = AxisFilter.of(cropHeight, outSize);
        int workChannels = (outChannels == 3 && img.channels() == 3) ? 3 : 1;
        int rowPlane = cropHeight * outSize;
        float[] rows = new float[workChannels * rowPlane];
        horizontal(img, x0, y0, cropWidth, cropHeight, flip, outSize, workChannels, fx, rows);
        vertical(rows, rowPlane, outSize, workChannels, fy, out, offset);
        if (workChannels == 1 && outChannels == 3) {
            int plane = outSize * outSize;
            System.arraycopy(out, offset, out, offset + plane, plane);
            System.arraycopy(out, offset, out, offset + 2 * plane, plane);
        }
    }

    private static void horizontal(
            DecodedImage img,
            int x0,
            int y0,
            int cropWidth,
            int cropHeight,
            boolean flip,
            int outSize,
            int workChannels,
            AxisFilter fx,
            float[] rows) {
        int sc = img.channels();
        byte[] px = new byte[cropWidth * sc];
        int rowPlane = cropHeight * outSize;
        int taps = fx.taps;
        int[] first = fx.first;
        float[] weights = fx.weights;
        float[] line = new float[workChannels * cropWidth];
        for (int r = 0; r < cropHeight; r++) {
            img.copyRow(y0 + r, x0, cropWidth, px, 0);
            toLine(px, 0, sc, cropWidth, workChannels, line);
            for (int c = 0; c < workChannels; c++) {
                int lineBase = c * cropWidth;
                int rowBase = c * rowPlane + r * outSize;
                for (int ox = 0; ox < outSize; ox++) {
                    rows[rowBase + ox] = weights[ox] * line[lineBase + first[ox]];
                }
                for (int k = 1; k < taps; k++) {
                    int wb = k * outSize;
                    int lb = lineBase + k;
                    for (int ox = 0; ox < outSize; ox++) {
                        rows[rowBase + ox] += weights[wb + ox] * line[lb + first[ox]];
                    }
                }
                if (flip) {
                    reverse(rows, rowBase, outSize);
                }
            }
        }
    }

    private static void reverse(float[] a, int from, int length) {
        for (int i = from, j = from + length - 1; i < j; i++, j--) {
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** One crop row as [0, 1] floats, one plane per working channel (luma when reducing RGB to one). */
    private static void toLine(byte[] px, int p, int sc, int width, int workChannels, float[] line) {
        if (sc == 1) {
            for (int x = 0; x < width; x++) {
                line[x] = UNIT[px[p + x] & 0xFF];
            }
        } else if (workChannels == 3) {
            for (int x = 0, q = p; x < width; x++, q += 3) {
                line[x] = UNIT[px[q] & 0xFF];
                line[width + x] = UNIT[px[q + 1] & 0xFF];
                line[2 * width + x] = UNIT[px[q + 2] & 0xFF];
            }
        } else {
            for (int x = 0, q = p; x < width; x++, q += 3) {
                line[x] =
                        LUMA_R * UNIT[px[q] & 0xFF] + LUMA_G * UNIT[px[q + 1] & 0xFF] + LUMA_B * UNIT[px[q + 2] & 0xFF];
            }
        }
    }

    private static void vertical(
            float[] rows, int rowPlane, int outSize, int workChannels, AxisFilter fy, float[] out, int offset) {
        int plane = outSize * outSize;
        for (int oy = 0; oy < outSize; oy++) {
            int n = fy.taps;
            for (int c = 0; c < workChannels; c++) {
                int dst = offset + c * plane + oy * outSize;
                int src = c * rowPlane + fy.first[oy] * outSize;
                float w0 = fy.weights[oy];
                for (int ox = 0; ox < outSize; ox++) {
                    out[dst + ox] = w0 * rows[src + ox];
                }
                for (int k = 1; k < n; k++) {
                    float w = fy.weights[k * outSize + oy];
                    if (w == 0f) {
                        continue; // zero padding of a fixed-length window
                    }
                    int s = src + k * outSize;
                    for (int ox = 0; ox < outSize; ox++) {
                        out[dst + ox] += w * rows[s + ox];
                    }
                }
                for (int ox = 0; ox < outSize; ox++) {
                    out[dst + ox] = Math.min(1f, out[dst + ox]); // float rounding can overshoot by an ulp
                }
            }
        }
    }
}
