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
    void needsALabel() {
        TestData train = TestData.gaussians(2, 10, 4, 4, 1);
        int[] none = new int[train.y.length];
        Arrays.fill(none, -1);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> PseudoLabelProbe.fit(train.x, none, null, 2, 1e-3, 1));
        assertTrue(e.getMessage().contains("at least one labeled image"), e.getMessage());
    }
}
