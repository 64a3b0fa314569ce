package io.byol4j.sdk.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelFractionsTest {

    private static final List<String> NAMES = List.of("cat", "dog", "owl");

    private static int[] labels(int... perClass) {
        int[] y = new int[Arrays.stream(perClass).sum()];
        int at = 0;
        for (int c = 0; c < perClass.length; c++) {
            for (int i = 0; i < perClass[c]; i++) {
                y[at++] = c;
            }
        }
        // interleave so classes are not contiguous
        int[] shuffled = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            shuffled[i] = y[(int) ((i * 7L) % y.length)];
        }
        return shuffled;
    }

    @Test
    void keepsRoundedShareOfEveryClassAndIsSeeded() {
        int[] y = labels(500, 300, 200);
        int[] kept = LabelFractions.select(y, NAMES, 0.1, 5);
        int[] perClass = new int[3];
        for (int i : kept) {
            perClass[y[i]]++;
        }
        assertArrayEquals(new int[] {50, 30, 20}, perClass);
        assertArrayEquals(kept, LabelFractions.select(y, NAMES, 0.1, 5));
        assertTrue(!Arrays.equals(kept, LabelFractions.select(y, NAMES, 0.1, 6)), "another seed, other images");
        int[] onePercent = LabelFractions.select(y, NAMES, 0.01, 5);
        assertEquals(10, onePercent.length);
        assertEquals(y.length, LabelFractions.select(y, NAMES, 1.0, 5).length);
    }

    @Test
    void refusesAFractionWithoutOneImagePerClassNamingClassAndSmallestFraction() {
        int[] y = labels(500, 300, 20);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> LabelFractions.select(y, NAMES, 0.01, 1));
        assertTrue(e.getMessage().contains("class 'owl' (20 images)"), e.getMessage());
        assertTrue(e.getMessage().contains("0.025"), e.getMessage());
        assertEquals(13 + 8 + 1, LabelFractions.select(y, NAMES, 0.026, 1).length, "just above it works");
    }

    @Test
    void refusesMissingLabelsAndAbsentClasses() {
        int[] unlabeled = {0, 1, -1, 2};
        IllegalArgumentException missing =
                assertThrows(IllegalArgumentException.class, () -> LabelFractions.select(unlabeled, NAMES, 0.5, 1));
        assertTrue(missing.getMessage().contains("image 2 has no label"), missing.getMessage());
        IllegalArgumentException absent = assertThrows(
                IllegalArgumentException.class, () -> LabelFractions.select(new int[] {0, 1, 0, 1}, NAMES, 0.5, 1));
        assertTrue(absent.getMessage().contains("class 'owl' has no image"), absent.getMessage());
        IllegalArgumentException unlabeledSet = assertThrows(
                IllegalArgumentException.class,
                () -> LabelFractions.labels(new InMemoryDataset(List.of(new byte[1]), 3)));
        assertTrue(unlabeledSet.getMessage().contains("has no labels"), unlabeledSet.getMessage());
    }

    @Test
    void holdOutIsStratifiedDisjointAndKeepsSingletonsForTraining() {
        int[] y = labels(40, 20, 1);
        int[] all = java.util.stream.IntStream.range(0, y.length).toArray();
        int[][] parts = LabelFractions.holdOut(y, all, 0.25, 3);
        int[] held = new int[3];
        for (int i : parts[1]) {
            held[y[i]]++;
        }
        assertArrayEquals(new int[] {10, 5, 0}, held);
        assertEquals(y.length, parts[0].length + parts[1].length);
        assertTrue(
                Arrays.stream(parts[0]).noneMatch(i -> Arrays.stream(parts[1]).anyMatch(j -> j == i)));
        assertArrayEquals(parts[1], LabelFractions.holdOut(y, all, 0.25, 3)[1]);
    }

    @Test
    void syntheticDatasetLabelsGoThroughTheSameSelection() {
        SyntheticDataset data = new SyntheticDataset(400, 2, 16);
        int[] viaDataset = LabelFractions.select(data, 0.1, 9);
        assertArrayEquals(LabelFractions.select(LabelFractions.labels(data), data.classNames(), 0.1, 9), viaDataset);
    }
}
