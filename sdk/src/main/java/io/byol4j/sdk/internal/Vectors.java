package io.byol4j.sdk.internal;

/** Operations on float vectors that several modules need; stateless and thread-safe. */
public final class Vectors {

    private Vectors() {}

    /**
     * Scales {@code v} in place to unit L2 norm, summing squares in double precision; the zero vector stays zero.
     *
     * @throws NullPointerException if {@code v} is null
     */
    public static void normalizeL2(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            float inv = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
    }

    /** A unit-L2-norm copy of {@code v} (see {@link #normalizeL2}); {@code v} is not changed. */
    public static float[] normalizedL2(float[] v) {
        float[] out = v.clone();
        normalizeL2(out);
        return out;
    }
}
