package io.byol4j.trainer.augment;

/**
 * Rotates a square CHW float view in place about its centre with bilinear interpolation. Source positions
 * outside the view are mirrored back in (reflection about the border), so the rotated view has no fill
 * colour that would reveal the angle.
 */
final class Rotation {

    private Rotation() {}

    /**
     * Rotates {@code channels} planes of {@code size × size} floats at {@code data[offset ..]} by
     * {@code degrees}; positive angles turn the content clockwise as displayed (rows top to bottom).
     */
    static void apply(float[] data, int offset, int channels, int size, float degrees) {
        if (degrees == 0f) {
            return;
        }
        int plane = size * size;
        float[] src = new float[channels * plane];
        System.arraycopy(data, offset, src, 0, channels * plane);
        double radians = Math.toRadians(degrees);
        double cos = Math.cos(radians);
        double sin = Math.sin(radians);
        double centre = (size - 1) / 2.0;
        for (int y = 0; y < size; y++) {
            double dy = y - centre;
            for (int x = 0; x < size; x++) {
                double dx = x - centre;
                // Inverse mapping: the output pixel takes the source value at the position rotated back.
                double sx = cos * dx + sin * dy + centre;
                double sy = -sin * dx + cos * dy + centre;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                float fx = (float) (sx - x0);
                float fy = (float) (sy - y0);
                int xa = mirror(x0, size);
                int xb = mirror(x0 + 1, size);
                int ya = mirror(y0, size) * size;
                int yb = mirror(y0 + 1, size) * size;
                int o = offset + y * size + x;
                for (int c = 0, p = 0; c < channels; c++, p += plane) {
                    float top = src[p + ya + xa] + fx * (src[p + ya + xb] - src[p + ya + xa]);
                    float bottom = src[p + yb + xa] + fx * (src[p + yb + xb] - src[p + yb + xa]);
                    data[o + c * plane] = top + fy * (bottom - top);
                }
            }
        }
    }

    /** Reflects index {@code i} into [0, n) about the borders (… 2 1 0 | 0 1 2 … n−1 | n−1 n−2 …). */
    static int mirror(int i, int n) {
        int period = 2 * n;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - 1 - m;
    }
}
