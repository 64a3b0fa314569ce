package io.byol4j.trainer.augment;

/**
 * Separable Gaussian blur of a square CHW float view with a fixed odd kernel size and reflected borders
 * (the mirror excludes the edge pixel, so {@code -1 -> 1}). The kernel weights depend on sigma and are
 * computed per call; the border index table is computed once.
 */
final class GaussianBlur {

    private final int size;
    private final int kernelSize;
    private final int[] reflected;

    GaussianBlur(int size, int kernelSize) {
        if (kernelSize < 1 || kernelSize % 2 == 0) {
            throw new IllegalArgumentException("kernel size must be odd and positive, got " + kernelSize);
        }
        this.size = size;
        this.kernelSize = kernelSize;
        int half = kernelSize / 2;
        this.reflected = new int[size + 2 * half];
        for (int j = 0; j < reflected.length; j++) {
            reflected[j] = reflect(j - half, size);
        }
    }

    /** Normalised 1-D kernel: {@code exp(-x^2 / (2 sigma^2))} for {@code x = -half .. half}, summing to 1. */
    float[] kernel(float sigma) {
        int half = kernelSize / 2;
        double[] raw = new double[kernelSize];
        double sum = 0.0;
        for (int k = 0; k < kernelSize; k++) {
            double x = (k - half) / (double) sigma;
            raw[k] = Math.exp(-0.5 * x * x);
            sum += raw[k];
        }
        float[] w = new float[kernelSize];
        for (int k = 0; k < kernelSize; k++) {
            w[k] = (float) (raw[k] / sum);
        }
        return w;
    }

    void apply(float[] v, int off, int channels, float sigma) {
        float[] w = kernel(sigma);
        int plane = size * size;
        float[] tmp = new float[plane];
        float[] padded = new float[reflected.length];
        for (int c = 0; c < channels; c++) {
            int base = off + c * plane;
            for (int y = 0; y < size; y++) {
                int row = base + y * size;
                for (int j = 0; j < padded.length; j++) {
                    padded[j] = v[row + reflected[j]];
                }
                convolveInto(padded, w, tmp, y * size);
            }
            for (int y = 0; y < size; y++) {
                int dst = base + y * size;
                float w0 = w[0];
                int src0 = reflected[y] * size;
                for (int x = 0; x < size; x++) {
                    v[dst + x] = w0 * tmp[src0 + x];
                }
                for (int k = 1; k < kernelSize; k++) {
                    float wk = w[k];
                    int src = reflected[y + k] * size;
                    for (int x = 0; x < size; x++) {
                        v[dst + x] += wk * tmp[src + x];
                    }
                }
            }
        }
    }

    /** {@code dst[at + x] = sum_k w[k] * padded[x + k]} for x in [0, size), tap-outer so the inner loop is flat. */
    private void convolveInto(float[] padded, float[] w, float[] dst, int at) {
        float w0 = w[0];
        for (int x = 0; x < size; x++) {
            dst[at + x] = w0 * padded[x];
        }
        for (int k = 1; k < kernelSize; k++) {
            float wk = w[k];
            for (int x = 0; x < size; x++) {
                dst[at + x] += wk * padded[x + k];
            }
        }
    }

    /** Mirror index into {@code [0, n)} without repeating the edge, folding as often as needed. */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }
}
