package io.byol4j.sdk.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SemiSupervisedEvalTest {

    private static final int CLASSES = 5;
    private static final int DIM = 16;

    /**
     * Each class is a long thin band: points spread uniformly over a segment of length {@code length}
     * along the class's own random direction, plus noise. Bands are separated by gaps, but a band's far
     * end can lie closer to another class's few labeled points than to its own: the case where labels
     * spread through the data beat heads that see only the labeled points.
     */
    private static TestDataSet bands(int perClass, long dataSeed) {
        Random geometry = new Random(7);
        double[][] centre = new double[CLASSES][DIM];
        double[][] direction = new double[CLASSES][DIM];
        for (int c = 0; c < CLASSES; c++) {
            double norm = 0;
            for (int j = 0; j < DIM; j++) {
                centre[c][j] = geometry.nextGaussian() * 6 / Math.sqrt(2 * DIM);
                direction[c][j] = geometry.nextGaussian();
                norm += direction[c][j] * direction[c][j];
            }
            for (int j = 0; j < DIM; j++) {
                direction[c][j] /= Math.sqrt(norm);
            }
        }
        Random random = new Random(dataSeed);
        float[][] x = new float[CLASSES * perClass][DIM];
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            int c = i % CLASSES;
            y[i] = c;
            double t = (random.nextDouble() - 0.5) * 16;
            for (int j = 0; j < DIM; j++) {
                x[i][j] = (float) (centre[c][j] + t * direction[c][j] + 0.5 * random.nextGaussian());
            }
        }
        return new TestDataSet(x, y);
    }

    /** Samples and labels (the arrays are shared: the test only reads them). */
    private static final class TestDataSet {
        private final float[][] x;
        private final int[] y;

        TestDataSet(float[][] x, int[] y) {
            this.x = x;
            this.y = y;
        }

        float[][] x() {
            return x;
        }

        int[] y() {
            return y;
        }
    }

    @Test
    void propagationBeatsLabeledOnlyHeadsWithOnePercentOfTheLabels() {
        TestDataSet train = bands(200, 1);
        TestDataSet test = bands(100, 2);
        List<SemiSupervisedEval.Run> heard = new ArrayList<>();
        SemiSupervisedEval.Report report = SemiSupervisedEval.evaluate(
                train.x(), train.y(), test.x(), test.y(), CLASSES, SemiSupervisedEval.Settings.defaults(), heard::add);

        assertEquals(1000, report.trainSize());
        assertEquals(500, report.testSize());
        assertEquals(DIM, report.dim());
        assertEquals(2, report.summaries().size());
        assertEquals(6, report.runs().size());
        assertEquals(report.runs(), heard, "progress hears every run in order");

        SemiSupervisedEval.FractionSummary onePercent = report.summaries().get(0);
        assertEquals(0.01, onePercent.fraction());
        assertEquals(10, onePercent.labeled(), "2 of the 200 samples of each of 5 classes");
        double best = Math.max(onePercent.linear().mean(), onePercent.knn().mean());
        assertTrue(onePercent.propagation().mean() > 0.95, "propagation " + onePercent.propagation());
        assertTrue(
                onePercent.propagation().mean() > best + 0.08,
                "propagation " + onePercent.propagation().mean() + " vs labeled-only best " + best);
        assertTrue(onePercent.pseudoLabelAccuracy().mean() > 0.95, "pseudo-labels " + onePercent.pseudoLabelAccuracy());
        assertTrue(
                onePercent.semi().mean() > best + 0.05,
                "the validated semi-supervised head " + onePercent.semi().mean() + " vs labeled-only best " + best);

        SemiSupervisedEval.FractionSummary tenPercent = report.summaries().get(1);
        assertEquals(100, tenPercent.labeled());
        assertTrue(tenPercent.linear().mean() > onePercent.linear().mean(), "more labels help the linear head");

        for (SemiSupervisedEval.Run run : report.runs()) {
            for (double accuracy : new double[] {run.linear(), run.knn(), run.propagation()}) {
                assertTrue(accuracy >= 0 && accuracy <= 1, run.toString());
            }
        }
        double[] linear = report.runs().subList(0, 3).stream()
                .mapToDouble(SemiSupervisedEval.Run::linear)
                .toArray();
        assertEquals(
                Arrays.stream(linear).average().orElseThrow(),
                onePercent.linear().mean(),
                1e-12);
        assertTrue(onePercent.linear().std() > 0, "different seeds label different samples");
    }

    @Test
    void labeledSubsetIsStratifiedSeededAndRefusesAFractionThatDropsAClass() {
        int[] y = new int[1000];
        for (int i = 0; i < y.length; i++) {
            y[i] = i < 900 ? i % 3 : 3; // classes 0-2: 300 each; class 3: 100
        }
        int[] subset = SemiSupervisedEval.labeledSubset(y, 4, 0.01, 42);
        int[] perClass = new int[4];
        for (int i : subset) {
            perClass[y[i]]++;
        }
        assertArrayEquals(new int[] {3, 3, 3, 1}, perClass, "round(1% of n_c) per class");
        assertArrayEquals(subset, SemiSupervisedEval.labeledSubset(y, 4, 0.01, 42), "same seed, same subset");
        assertArrayEquals(
                subset,
                io.byol4j.sdk.data.LabelFractions.select(y, List.of("a", "b", "c", "d"), 0.01, 42),
                "the same images as every other method");
        assertFalse(Arrays.equals(subset, SemiSupervisedEval.labeledSubset(y, 4, 0.01, 43)), "another seed");
        assertTrue(Arrays.stream(subset).distinct().count() == subset.length);
        for (int k = 1; k < subset.length; k++) {
            assertTrue(subset[k - 1] < subset[k], "ascending");
        }
        assertEquals(1000, SemiSupervisedEval.labeledSubset(y, 4, 1.0, 1).length);
        IllegalArgumentException tooSmall =
                assertThrows(IllegalArgumentException.class, () -> SemiSupervisedEval.labeledSubset(y, 4, 0.004, 1));
        assertTrue(tooSmall.getMessage().contains("keeps no image of class '#3' (100 images)"), tooSmall.getMessage());
        IllegalArgumentException absent =
                assertThrows(IllegalArgumentException.class, () -> SemiSupervisedEval.labeledSubset(y, 5, 0.5, 1));
        assertTrue(absent.getMessage().contains("class '#4' has no image"), absent.getMessage());
    }

    @Test
    void badInputIsNamed() {
        float[][] train = {{1, 0}, {0, 1}, {1, 1}};
        int[] trainY = {0, 1, 1};
        IllegalArgumentException dims = assertThrows(
                IllegalArgumentException.class,
                () -> SemiSupervisedEval.evaluate(
                        train,
                        trainY,
                        new float[][] {{1, 0, 0}},
                        new int[] {0},
                        2,
                        SemiSupervisedEval.Settings.defaults()));
        assertTrue(
                dims.getMessage().contains("dimension 2") && dims.getMessage().contains("3"), dims.getMessage());

        IllegalArgumentException unlabeled = assertThrows(
                IllegalArgumentException.class,
                () -> SemiSupervisedEval.evaluate(
                        train, new int[] {0, -1, 1}, train, trainY, 2, SemiSupervisedEval.Settings.defaults()));
        assertTrue(unlabeled.getMessage().contains("-1"), unlabeled.getMessage());

        SemiSupervisedEval.Settings d = SemiSupervisedEval.Settings.defaults();
        IllegalArgumentException fraction = assertThrows(
                IllegalArgumentException.class,
                () -> new SemiSupervisedEval.Settings(
                        List.of(0.01, 1.5),
                        d.seeds(),
                        d.seed(),
                        d.l2(),
                        d.knnK(),
                        d.knnTemperature(),
                        d.propagationK(),
                        d.propagationAlpha(),
                        d.propagationGamma(),
                        d.minConfidence()));
        assertTrue(fraction.getMessage().contains("(0, 1]"), fraction.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new SemiSupervisedEval.Settings(
                        d.fractions(),
                        0,
                        d.seed(),
                        d.l2(),
                        d.knnK(),
                        d.knnTemperature(),
                        d.propagationK(),
                        d.propagationAlpha(),
                        d.propagationGamma(),
                        d.minConfidence()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SemiSupervisedEval.Settings(
                        d.fractions(),
                        1,
                        d.seed(),
                        d.l2(),
                        d.knnK(),
                        d.knnTemperature(),
                        d.propagationK(),
                        1.0,
                        d.propagationGamma(),
                        d.minConfidence()));
    }
}
