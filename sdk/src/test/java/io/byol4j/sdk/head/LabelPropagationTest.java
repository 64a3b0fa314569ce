package io.byol4j.sdk.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LabelPropagationTest {

    /** Hides all but {@code keep} labels per class. */
    private static int[] fewLabels(int[] y, int classes, int keep) {
        int[] partial = new int[y.length];
        int[] kept = new int[classes];
        for (int i = 0; i < y.length; i++) {
            partial[i] = kept[y[i]] < keep ? y[i] : -1;
            if (partial[i] >= 0) {
                kept[y[i]]++;
            }
        }
        return partial;
    }

    @Test
    void spreadsAFewLabelsThroughClusters() {
        double[][] centres = TestData.centres(4, 20, 10, 31);
        TestData d = TestData.sample(centres, 100, 1.0, new Random(1));
        int[] partial = fewLabels(d.y, 4, 2);
        LabelPropagation.Result r = LabelPropagation.defaults().propagate(d.x, partial, 4);
        int correct = 0;
        int unlabeled = 0;
        for (int i = 0; i < d.y.length; i++) {
            if (partial[i] >= 0) {
                assertEquals(partial[i], r.labels()[i], "given labels are kept");
                assertEquals(1f, r.confidence()[i]);
                assertEquals(1f, r.probabilities()[i][partial[i]]);
            } else {
                unlabeled++;
                if (r.labels()[i] == d.y[i]) {
                    correct++;
                }
                float sum = 0;
                for (float p : r.probabilities()[i]) {
                    sum += p;
                }
                assertEquals(1f, sum, 1e-5f);
                assertTrue(r.confidence()[i] >= 0 && r.confidence()[i] <= 1);
            }
        }
        assertTrue(correct > 0.95 * unlabeled, correct + " of " + unlabeled + " correct");
        assertTrue(r.iterations() > 0 && r.iterations() < 500, "iterations " + r.iterations());
        assertTrue(r.confident(0.5).length > 100);
    }

    @Test
    void followsTheManifoldWhereNearestLabelsMislead() {
        // Two parallel chains of points in 3-D. Each chain carries one label at its far end; the
        // unlabeled points at the other end are closer to the other chain's label than their own,
        // so a 1-NN on labeled points gets them wrong, but propagation along the chain does not.
        int perChain = 60;
        float[][] x = new float[2 * perChain][];
        int[] truth = new int[2 * perChain];
        int[] partial = new int[2 * perChain];
        for (int i = 0; i < perChain; i++) {
            double angle = Math.toRadians(10 + 70.0 * i / (perChain - 1));
            x[i] = new float[] {(float) Math.cos(angle), (float) Math.sin(angle), 0.15f};
            x[perChain + i] = new float[] {(float) Math.cos(angle), (float) Math.sin(angle), -0.15f};
            truth[i] = 0;
            truth[perChain + i] = 1;
            partial[i] = -1;
            partial[perChain + i] = -1;
        }
        partial[0] = 0;
        partial[2 * perChain - 1] = 1;
        LabelPropagation.Result r = new LabelPropagation(4, 0.99, 3).propagate(x, partial, 2);
        int correct = 0;
        for (int i = 0; i < x.length; i++) {
            if (r.labels()[i] == truth[i]) {
                correct++;
            }
        }
        assertTrue(correct >= 0.9 * x.length, correct + " of " + x.length);
    }

    @Test
    void pseudoLabelsTrainAGoodLinearHead() {
        double[][] centres = TestData.centres(3, 12, 8, 41);
        TestData d = TestData.sample(centres, 150, 1.0, new Random(2));
        TestData test = TestData.sample(centres, 100, 1.0, new Random(3));
        int[] partial = fewLabels(d.y, 3, 3);
        LogisticRegression head = LabelPropagation.defaults().fitWithPseudoLabels(d.x, partial, 3, 0.3, 1e-3);
        assertTrue(head.accuracy(test.x, test.y) > 0.9, "accuracy " + head.accuracy(test.x, test.y));
    }

    @Test
    void rejectsInputWithoutLabels() {
        float[][] x = {{1, 0}, {0, 1}};
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LabelPropagation.defaults().propagate(x, new int[] {-1, -1}, 2));
        assertTrue(e.getMessage().contains("at least one labeled"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LabelPropagation(5, 1.0, 3));
        assertThrows(IllegalArgumentException.class, () -> new LabelPropagation(0, 0.5, 3));
    }
}
