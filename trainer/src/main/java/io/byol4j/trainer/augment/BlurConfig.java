package io.byol4j.trainer.augment;

/**
 * Gaussian blur, applied with {@code probability}, with sigma (in output pixels) uniform in
 * {@code [sigmaMin, sigmaMax]}. The kernel is square and separable; its size is
 * {@code kernelFraction} of the output side, rounded to the nearest odd number and at least 3
 * (0.1 gives 23 taps at 224 px, 3 taps at 32 px). Borders are reflected.
 */
public record BlurConfig(double probability, double sigmaMin, double sigmaMax, double kernelFraction) {

    /** Validates: probability in [0, 1], {@code 0 < sigmaMin <= sigmaMax}, {@code 0 < kernelFraction <= 1}. */
    public BlurConfig {
        Checks.probability("blur.probability", probability);
        Checks.positive("blur.sigmaMin", sigmaMin);
        Checks.positive("blur.sigmaMax", sigmaMax);
        Checks.ordered("blur.sigmaMin", sigmaMin, "blur.sigmaMax", sigmaMax);
        Checks.positive("blur.kernelFraction", kernelFraction);
        if (kernelFraction > 1.0) {
            throw new IllegalArgumentException("blur.kernelFraction must be <= 1, got " + kernelFraction);
        }
    }

    /** The paper's sigma range [0.1, 2.0] and a kernel of 10% of the image, with the given probability. */
    public static BlurConfig withProbability(double probability) {
        return new BlurConfig(probability, 0.1, 2.0, 0.1);
    }

    /** Never applied. */
    public static BlurConfig disabled() {
        return withProbability(0.0);
    }

    /** The odd kernel size, at least 3, used for an output of {@code outSize} pixels. */
    public int kernelSize(int outSize) {
        int k = (int) Math.round(kernelFraction * outSize);
        if (k % 2 == 0) {
            k += 1;
        }
        return Math.max(3, k);
    }
}
