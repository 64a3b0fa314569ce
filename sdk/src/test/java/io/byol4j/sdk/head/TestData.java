package io.byol4j.sdk.head;

import java.util.Random;

/** Small synthetic classification problems. */
final class TestData {

    final float[][] x;
    final int[] y;

    private TestData(float[][] x, int[] y) {
        this.x = x;
        this.y = y;
    }

    /**
     * {@code perClass} points per class around random centres at distance about {@code separation}
     * from each other, with isotropic Gaussian noise of standard deviation 1.
     */
    static TestData gaussians(int classes, int perClass, int dim, double separation, long seed) {
        return sample(centres(classes, dim, separation, seed), perClass, 1.0, new Random(seed + 1));
    }

    /** Random class centres about {@code separation} apart. */
    static double[][] centres(int classes, int dim, double separation, long seed) {
        Random random = new Random(seed);
        double[][] centres = new double[classes][dim];
        for (double[] c : centres) {
            for (int j = 0; j < dim; j++) {
                c[j] = random.nextGaussian() * separation / Math.sqrt(2 * dim);
            }
        }
        return centres;
    }

    /** Points drawn around the given centres with Gaussian noise {@code noise}. */
    static TestData sample(double[][] centres, int perClass, double noise, Random random) {
        int classes = centres.length;
        int dim = centres[0].length;
        float[][] x = new float[classes * perClass][dim];
        int[] y = new int[classes * perClass];
        for (int i = 0; i < x.length; i++) {
            int c = i % classes;
            y[i] = c;
            for (int j = 0; j < dim; j++) {
                x[i][j] = (float) (centres[c][j] + noise * random.nextGaussian());
            }
        }
        return new TestData(x, y);
    }
}
