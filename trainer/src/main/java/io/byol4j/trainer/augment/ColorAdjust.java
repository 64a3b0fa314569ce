package io.byol4j.trainer.augment;

import static io.byol4j.trainer.augment.ResizedCrop.LUMA_B;
import static io.byol4j.trainer.augment.ResizedCrop.LUMA_G;
import static io.byol4j.trainer.augment.ResizedCrop.LUMA_R;

/**
 * In-place colour operations on a CHW float view in [0, 1] starting at {@code off}, {@code plane} values per
 * channel. Jitter adjustments clamp to [0, 1]. Operations that need colour (saturation, hue, grayscale)
 * leave a one-channel view unchanged.
 */
final class ColorAdjust {

    private ColorAdjust() {}

    /** {@code x -> clamp(f x)}. */
    static void brightness(float[] v, int off, int channels, int plane, float f) {
        int end = off + channels * plane;
        for (int i = off; i < end; i++) {
            v[i] = clamp(f * v[i]);
        }
    }

    /** Blends with the mean of the grayscale image: {@code x -> clamp(f x + (1 - f) mean)}. */
    static void contrast(float[] v, int off, int channels, int plane, float f) {
        double sum = 0.0;
        if (channels == 3) {
            for (int i = off; i < off + plane; i++) {
                sum += LUMA_R * v[i] + LUMA_G * v[i + plane] + LUMA_B * v[i + 2 * plane];
            }
        } else {
            for (int i = off; i < off + plane; i++) {
                sum += v[i];
            }
        }
        float shift = (1f - f) * (float) (sum / plane);
        int end = off + channels * plane;
        for (int i = off; i < end; i++) {
            v[i] = clamp(f * v[i] + shift);
        }
    }

    /** Blends every pixel with its own luma: {@code x -> clamp(f x + (1 - f) luma)}. */
    static void saturation(float[] v, int off, int channels, int plane, float f) {
        if (channels != 3) {
            return;
        }
        float g = 1f - f;
        for (int i = off; i < off + plane; i++) {
            float r = v[i];
            float gr = v[i + plane];
            float b = v[i + 2 * plane];
            float luma = g * (LUMA_R * r + LUMA_G * gr + LUMA_B * b);
            v[i] = clamp(f * r + luma);
            v[i + plane] = clamp(f * gr + luma);
            v[i + 2 * plane] = clamp(f * b + luma);
        }
    }

    /** Rotates the hue in HSV space by {@code shift} turns, keeping saturation and value. */
    static void hue(float[] v, int off, int channels, int plane, float shift) {
        if (channels != 3) {
            return;
        }
        for (int i = off; i < off + plane; i++) {
            float r = v[i];
            float g = v[i + plane];
            float b = v[i + 2 * plane];
            float max = Math.max(r, Math.max(g, b));
            float min = Math.min(r, Math.min(g, b));
            if (max == min) {
                continue; // no hue to rotate
            }
            float chroma = max - min;
            float s = chroma / max;
            float h;
            if (max == r) {
                h = (g - b) / chroma;
            } else if (max == g) {
                h = 2f + (b - r) / chroma;
            } else {
                h = 4f + (r - g) / chroma;
            }
            h = h / 6f + shift;
            h -= (float) Math.floor(h);
            float h6 = h * 6f;
            int sector = (int) h6;
            float f = h6 - sector;
            float p = clamp(max * (1f - s));
            float q = clamp(max * (1f - s * f));
            float t = clamp(max * (1f - s * (1f - f)));
            switch (sector % 6) {
                case 0 -> set(v, i, plane, max, t, p);
                case 1 -> set(v, i, plane, q, max, p);
                case 2 -> set(v, i, plane, p, max, t);
                case 3 -> set(v, i, plane, p, q, max);
                case 4 -> set(v, i, plane, t, p, max);
                default -> set(v, i, plane, max, p, q);
            }
        }
    }

    /** Replaces every channel with the luma. */
    static void grayscale(float[] v, int off, int channels, int plane) {
        if (channels != 3) {
            return;
        }
        for (int i = off; i < off + plane; i++) {
            float luma = LUMA_R * v[i] + LUMA_G * v[i + plane] + LUMA_B * v[i + 2 * plane];
            v[i] = luma;
            v[i + plane] = luma;
            v[i + 2 * plane] = luma;
        }
    }

    /** {@code x -> 1 - x} for {@code x >= threshold}, over {@code length} values. */
    static void solarize(float[] v, int off, int length, float threshold) {
        for (int i = off; i < off + length; i++) {
            if (v[i] >= threshold) {
                v[i] = 1f - v[i];
            }
        }
    }

    /** {@code x -> (x - mean[c]) * invStd[c]} for each of the {@code mean.length} channels. */
    static void normalize(float[] v, int off, int plane, float[] mean, float[] invStd) {
        for (int c = 0; c < mean.length; c++) {
            float m = mean[c];
            float k = invStd[c];
            int start = off + c * plane;
            for (int i = start; i < start + plane; i++) {
                v[i] = (v[i] - m) * k;
            }
        }
    }

    private static void set(float[] v, int i, int plane, float r, float g, float b) {
        v[i] = r;
        v[i + plane] = g;
        v[i + 2 * plane] = b;
    }

    private static float clamp(float x) {
        return Math.min(1f, Math.max(0f, x));
    }
}
