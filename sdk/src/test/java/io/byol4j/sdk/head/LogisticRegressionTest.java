package io.byol4j.sdk.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogisticRegressionTest {

    /** Three unit-variance Gaussians in 10-D, pairwise 4 apart: the Bayes accuracy is about 95%. */
    private static TestData noisyThreeClass(int perClass, long seed) {
        double[][] centres = new double[3][10];
        for (int c = 0; c < 3; c++) {
            centres[c][c] = 4 / Math.sqrt(2);
        }
        return TestData.sample(centres, perClass, 1.0, new Random(seed));
    }

    @Test
    void separatesLinearlySeparableData() {
        TestData d = TestData.gaussians(4, 50, 8, 40, 1);
        LogisticRegression model = LogisticRegression.fit(d.x, d.y, 4, 1e-4);
        assertEquals(1.0, model.accuracy(d.x, d.y));
    }

    @Test
    void beatsNinetyPercentOnNoisyGaussians() {
        TestData train = noisyThreeClass(300, 2);
        TestData test = noisyThreeClass(300, 3);
        LogisticRegression model = LogisticRegression.fit(train.x, train.y, 3, 1e-3);
        double accuracy = model.accuracy(test.x, test.y);
        assertTrue(accuracy > 0.90, "held-out accuracy " + accuracy);
    }

    @Test
    void validationPicksTheBestPenaltyOfTheGrid() {
        TestData train = noisyThreeClass(100, 4);
        TestData test = noisyThreeClass(200, 5);
        double[] grid = {1e-5, 1e-3, 1e-1, 10};
        LogisticRegression model = LogisticRegression.fitWithValidation(train.x, train.y, 3, grid, 0.3, 7);
        assertTrue(Arrays.stream(grid).anyMatch(g -> g == model.l2()), "l2 " + model.l2());
        boolean[] validation = LogisticRegression.stratifiedSplit(train.y, 3, 0.3, 7);
        int[] fitIdx =
                IntStream.range(0, train.y.length).filter(i -> !validation[i]).toArray();
        int[] valIdx =
                IntStream.range(0, train.y.length).filter(i -> validation[i]).toArray();
        for (double l2 : grid) {
            LogisticRegression candidate =
                    LogisticRegression.fit(rows(train.x, fitIdx), labels(train.y, fitIdx), 3, l2);
            double accuracy = candidate.accuracy(rows(train.x, valIdx), labels(train.y, valIdx));
            assertTrue(
                    accuracy <= model.validationAccuracy(),
                    "l2 " + l2 + " scores " + accuracy + " > chosen " + model.validationAccuracy());
            if (accuracy == model.validationAccuracy()) {
                assertTrue(l2 <= model.l2(), "ties go to the larger penalty");
            }
        }
        assertTrue(model.accuracy(test.x, test.y) > 0.90);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LogisticRegression.fitWithValidation(train.x, train.y, 3, grid, 1.0, 7));
        assertTrue(e.getMessage().contains("valFraction"), e.getMessage());
    }

    private static float[][] rows(float[][] x, int[] idx) {
        return Arrays.stream(idx).mapToObj(i -> x[i]).toArray(float[][]::new);
    }

    private static int[] labels(int[] y, int[] idx) {
        return Arrays.stream(idx).map(i -> y[i]).toArray();
    }

    @Test
    void stratifiedSplitTakesTheFractionOfEachClass() {
        int[] y = new int[100];
        for (int i = 0; i < 100; i++) {
            y[i] = i < 80 ? 0 : i < 98 ? 1 : 2;
        }
        boolean[] validation = LogisticRegression.stratifiedSplit(y, 4, 0.25, 1);
        int[] taken = new int[4];
        for (int i = 0; i < y.length; i++) {
            if (validation[i]) {
                taken[y[i]]++;
            }
        }
        assertArrayEquals(new int[] {20, 5, 1, 0}, taken);
    }

    @Test
    void analyticGradientMatchesFiniteDifferences() {
        TestData d = TestData.gaussians(3, 20, 4, 3, 9);
        double[] weights = new double[d.x.length];
        Random random = new Random(3);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 0.5 + random.nextDouble();
        }
        d.x[0][2] *= 50;
        SoftmaxObjective objective = new SoftmaxObjective(d.x, d.y, weights, 3, 0.05);
        double[] theta = new double[objective.parameterCount()];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = random.nextGaussian();
        }
        double[] gradient = new double[theta.length];
        objective.evaluate(theta, gradient);
        double[] scratch = new double[theta.length];
        for (int p = 0; p < theta.length; p++) {
            double h = 1e-6;
            double saved = theta[p];
            theta[p] = saved + h;
            double up = objective.evaluate(theta, scratch);
            theta[p] = saved - h;
            double down = objective.evaluate(theta, scratch);
            theta[p] = saved;
            assertEquals((up - down) / (2 * h), gradient[p], 1e-6, "parameter " + p);
        }
    }

    @Test
    void predictionsAreTheGemmSoftmaxOfWeightsAndBias() {
        TestData d = TestData.gaussians(3, 30, 5, 5, 11);
        LogisticRegression model = LogisticRegression.fit(d.x, d.y, 3, 1e-2);
        float[][] w = model.weights();
        float[] b = model.bias();
        for (float[] row : d.x) {
            double[] logits = new double[3];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 3; k++) {
                logits[k] = b[k];
                for (int j = 0; j < row.length; j++) {
                    logits[k] += w[k][j] * row[j];
                }
                max = Math.max(max, logits[k]);
            }
            double sum = 0;
            for (int k = 0; k < 3; k++) {
                sum += Math.exp(logits[k] - max);
            }
            float[] p = model.probabilities(row);
            double total = 0;
            for (int k = 0; k < 3; k++) {
                assertEquals(Math.exp(logits[k] - max) / sum, p[k], 1e-5);
                total += p[k];
            }
            assertEquals(1.0, total, 1e-5);
            assertEquals(HeadChecks.argmax(p), model.predict(row));
        }
    }

    @Test
    void standardisationMakesFeatureScaleIrrelevant() {
        TestData d = noisyThreeClass(100, 12);
        float[][] scaled = new float[d.x.length][];
        for (int i = 0; i < d.x.length; i++) {
            scaled[i] = d.x[i].clone();
            scaled[i][0] *= 1000;
            scaled[i][1] += 500;
        }
        LogisticRegression plain = LogisticRegression.fit(d.x, d.y, 3, 1e-2);
        LogisticRegression rescaled = LogisticRegression.fit(scaled, d.y, 3, 1e-2);
        for (int i = 0; i < d.x.length; i++) {
            assertArrayEquals(plain.probabilities(d.x[i]), rescaled.probabilities(scaled[i]), 1e-3f);
        }
    }

    @Test
    void saveAndLoadRoundTrip(@TempDir Path dir) throws IOException {
        TestData d = TestData.gaussians(3, 30, 6, 6, 13);
        LogisticRegression model = LogisticRegression.fitWithValidation(d.x, d.y, 3, new double[] {1e-3, 1e-2}, 0.3, 1);
        Path file = dir.resolve("sub/head.lr");
        model.save(file);
        LogisticRegression loaded = LogisticRegression.load(file);
        assertEquals(model.l2(), loaded.l2());
        assertEquals(model.validationAccuracy(), loaded.validationAccuracy());
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(model.weights()[k], loaded.weights()[k]);
        }
        assertArrayEquals(model.bias(), loaded.bias());
        for (float[] row : d.x) {
            assertArrayEquals(model.probabilities(row), loaded.probabilities(row));
        }
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }

        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));
        IOException truncated = assertThrows(IOException.class, () -> LogisticRegression.load(file));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        bytes[0] = 'X';
        Files.write(file, bytes);
        IOException magic = assertThrows(IOException.class, () -> LogisticRegression.load(file));
        assertTrue(magic.getMessage().contains("bad magic"), magic.getMessage());
        Path knn = dir.resolve("knn.bin");
        KnnClassifier.fit(d.x, d.y, 3).save(knn);
        assertThrows(IOException.class, () -> LogisticRegression.load(knn));
    }

    @Test
    void rejectsBadInput() {
        float[][] x = {{1, 2}, {3, 4}};
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> LogisticRegression.fit(x, new int[] {0, -1}, 2, 0.1));
        assertTrue(e.getMessage().contains("label -1 of row 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit(x, new int[] {0, 2}, 2, 0.1));
        assertTrue(e.getMessage().contains("outside [0, 2)"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> LogisticRegression.fit(new float[][] {{1, Float.NaN}}, new int[] {0}, 2, 0.1));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogisticRegression.fit(x, new int[] {0, 1}, 2, -1));
        assertTrue(e.getMessage().contains("l2"), e.getMessage());
        LogisticRegression model = LogisticRegression.fit(x, new int[] {0, 1}, 2, 0.1);
        e = assertThrows(IllegalArgumentException.class, () -> model.predict(new float[3]));
        assertTrue(e.getMessage().contains("length 2"), e.getMessage());
    }
}
