package io.byol4j.sdk.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PseudoLabelProbeTest {

    /** Overlapping Gaussian classes: some labels, many unlabeled points. */
    private static int[] partial(int[] y, double share, long seed) {
        Random random = new Random(seed);
        int[] partial = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            partial[i] = random.nextDouble() < share ? y[i] : -1;
        }
        return partial;
    }

    @Test
    void choosesOnValidationIsDeterministicAndReportsItsPseudoLabels() {
        TestData train = TestData.gaussians(4, 150, 8, 6, 3);
        TestData test = TestData.sample(TestData.centres(4, 8, 6, 3), 50, 1.0, new Random(99));
        int[] partial = partial(train.y, 0.05, 1);
        PseudoLabelProbe.Fit a = PseudoLabelProbe.fit(train.x, partial, train.y, 4, 1e-3, 7);
        PseudoLabelProbe.Fit b = PseudoLabelProbe.fit(train.x, partial, train.y, 4, 1e-3, 7);
        assertEquals(a.choice(), b.choice(), "same inputs, same choice");
        for (float[] row : test.x) {
            assertArrayEquals(a.model().probabilities(row), b.model().probabilities(row));
        }
        assertTrue(Arrays.stream(PseudoLabelProbe.KEEP_GRID)
                .anyMatch(k -> k == a.choice().keep()));
        assertTrue(a.choice().validationAccuracy() >= 0 && a.choice().validationAccuracy() <= 1);
        if (a.choice().keep() > 0) {
            assertTrue(a.pseudoLabels() > 0 && a.pseudoLabelAccuracy() > 0.5, a.toString());
        } else {
            assertEquals(0, a.pseudoLabels());
        }
        assertTrue(a.model().accuracy(test.x, test.y) > 0.8, "well separated classes");
    }

    @Test
    void graphsBuiltOnceServeEveryFractionAndSeedAsASearchPerKWould() {
        TestData train = TestData.gaussians(3, 100, 6, 2.0, 11);
        // The widest graph's first edges are the smaller k's graph: same propagation, bit for bit.
        LabelPropagation.Graph wide = LabelPropagation.Graph.build(CosineIndex.of(train.x), 30, 3);
        LabelPropagation.Graph direct = LabelPropagation.Graph.build(CosineIndex.of(train.x), 10, 3);
        int[] partial = partial(train.y, 0.1, 4);
        assertEquals(
                LabelPropagation.propagate(direct, partial, 3, 0.99, true),
                LabelPropagation.propagate(wide.truncate(10), partial, 3, 0.99, true));
        assertTrue(
                !LabelPropagation.propagate(wide, partial, 3, 0.99, true)
                        .equals(LabelPropagation.propagate(direct, partial, 3, 0.99, true)),
                "k 30 and k 10 differ, so the comparison above can fail");

        PseudoLabelProbe.Graphs graphs = PseudoLabelProbe.graphs(train.x);
        for (long seed : new long[] {1, 2}) {
            int[] labels = partial(train.y, 0.05 * seed, seed);
            PseudoLabelProbe.Fit shared = PseudoLabelProbe.fit(graphs, labels, train.y, 3, 1e-3, seed);
            PseudoLabelProbe.Fit alone = PseudoLabelProbe.fit(train.x, labels, train.y, 3, 1e-3, seed);
            assertEquals(alone.choice(), shared.choice());
            assertEquals(alone.pseudoLabels(), shared.pseudoLabels());
            for (float[] row : train.x) {
                assertArrayEquals(
                        alone.model().probabilities(row), shared.model().probabilities(row));
            }
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> PseudoLabelProbe.fit(graphs, new int[train.x.length - 1], null, 3, 1e-3, 1),
                "labels for other features");
    }

    @Test
    void pseudoLabelsAreOnlyImagesWherePropagationAndTheLabeledOnlyProbeAgree() {
        TestData train = TestData.gaussians(3, 120, 6, 2.5, 5);
        int[] partial = partial(train.y, 0.05, 2);
        LabelPropagation.Graph graph = LabelPropagation.Graph.build(CosineIndex.of(train.x), 10, 3);
        PseudoLabelProbe.Choice all = new PseudoLabelProbe.Choice(10, 0.99, 1.0, 1.0, Double.NaN);
        PseudoLabelProbe.Fit fit =
                PseudoLabelProbe.run(train.x, partial, graph, 3, all, 1e-3, new boolean[train.x.length], train.y);

        int[] labeled = java.util.stream.IntStream.range(0, partial.length)
                .filter(i -> partial[i] >= 0)
                .toArray();
        float[][] lx = new float[labeled.length][];
        int[] ly = new int[labeled.length];
        for (int m = 0; m < labeled.length; m++) {
            lx[m] = train.x[labeled[m]];
            ly[m] = partial[labeled[m]];
        }
        LogisticRegression probe = LogisticRegression.fit(lx, ly, 3, 1e-3);
        LabelPropagation.Result propagated = LabelPropagation.propagate(graph, partial, 3, 0.99, true);
        int agreeing = 0;
        int disagreeing = 0;
        for (int i = 0; i < partial.length; i++) {
            if (partial[i] < 0) {
                if (probe.predict(train.x[i]) == propagated.label(i)) {
                    agreeing++;
                } else {
                    disagreeing++;
                }
            }
        }
        assertTrue(disagreeing > 0, "overlapping classes: the two views disagree somewhere");
        assertEquals(agreeing, fit.pseudoLabels(), "keep 1.0 takes every agreeing image and no other");
    }

    @Test
    void needsALabel() {
        TestData train = TestData.gaussians(2, 10, 4, 4, 1);
        int[] none = new int[train.y.length];
        Arrays.fill(none, -1);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> PseudoLabelProbe.fit(train.x, none, null, 2, 1e-3, 1));
        assertTrue(e.getMessage().contains("at least one labeled image"), e.getMessage());
    }
}
