package io.byol4j.trainer.augment;

/**
 * Resampling weights along one axis, from {@code inLen} source pixels to {@code outLen} output pixels, with
 * a triangle (bilinear) filter whose support widens with the reduction factor so that downscaling averages
 * every covered source pixel instead of aliasing. Pixel centres are aligned ({@code (i + 0.5) * scale}),
 * and taps falling outside the source are dropped and the rest renormalised.
 *
 * <p>Every output pixel uses the same number of taps, {@code taps}: output {@code i} reads source pixels
 * {@code first[i] + k} for {@code k < taps} with weight {@code weights[k * outLen + i]} (zero-padded, windows
 * shifted to stay inside the source). The tap-major layout lets callers loop over taps outside and over
 * output pixels inside, which the JIT compiles far better than a short inner loop per pixel.
 */
final class AxisFilter {

    final int[] first;
    final float[] weights;
    final int taps;

    private AxisFilter(int[] first, float[] weights, int taps) {
        this.first = first;
        this.weights = weights;
        this.taps = taps;
    }

    static AxisFilter of(int inLen, int outLen) {
        double scale = (double) inLen / outLen;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale;
        int maxTaps = (int) Math.ceil(support) * 2 + 1;
        int[] lo = new int[outLen];
        int[] count = new int[outLen];
        double[] raw = new double[outLen * maxTaps];
        int taps = 1;
        for (int i = 0; i < outLen; i++) {
            double center = (i + 0.5) * scale;
            int from = Math.max((int) (center - support + 0.5), 0);
            int to = Math.min((int) (center + support + 0.5), inLen);
            double sum = 0.0;
            for (int x = from; x < to; x++) {
                double w = triangle((x - center + 0.5) / filterScale);
                raw[i * maxTaps + x - from] = w;
                sum += w;
            }
            for (int k = 0; k < to - from; k++) {
                raw[i * maxTaps + k] /= sum;
            }
            lo[i] = from;
            count[i] = to - from;
            taps = Math.max(taps, to - from);
        }
        int[] first = new int[outLen];
        float[] weights = new float[outLen * taps];
        for (int i = 0; i < outLen; i++) {
            first[i] = Math.min(lo[i], inLen - taps);
            int shift = lo[i] - first[i];
            for (int k = 0; k < count[i]; k++) {
                weights[(shift + k) * outLen + i] = (float) raw[i * maxTaps + k];
            }
        }
        return new AxisFilter(first, weights, taps);
    }

    private static double triangle(double x) {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
    }
}
