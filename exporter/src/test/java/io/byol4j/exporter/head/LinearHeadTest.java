package io.byol4j.exporter.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.byol4j.sdk.head.LogisticRegression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinearHeadTest {

    private static final float[][] W = {{1f, -1f, 0.5f}, {0.25f, 2f, -3f}, {0f, 0f, 1f}};
    private static final float[] B = {0.1f, -0.2f, 0.3f};

    @TempDir
    Path dir;

    @Test
    void loadsASavedLinearProbe() throws IOException {
        Path file = dir.resolve("probe.bin");
        LogisticRegression.of(W, B).save(file);

        LinearHead head = LinearHead.load(file, List.of("a", "b", "c"));

        assertEquals(3, head.classes());
        assertEquals(3, head.inputDim());
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(W[k], head.weights()[k]);
        }
        assertArrayEquals(B, head.bias());
        assertEquals(List.of("a", "b", "c"), head.classNames());
    }

    @Test
    void probabilitiesMatchTheProbe() {
        LogisticRegression probe = LogisticRegression.of(W, B);
        float[] x = {0.3f, -1.2f, 2f};

        double[] p = LinearHead.of(probe).probabilities(x);

        float[] expected = probe.probabilities(x);
        double sum = 0;
        for (int k = 0; k < p.length; k++) {
            assertEquals(expected[k], p[k], 1e-6);
            sum += p[k];
        }
        assertEquals(1.0, sum, 1e-12);
    }

    @Test
    void badShapesAndValuesAreRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new LinearHead(new float[][] {{1f, 2f}}, new float[1], List.of()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new LinearHead(new float[][] {{1f, 2f}, {1f}}, new float[2], List.of()));
        assertThrows(IllegalArgumentException.class, () -> new LinearHead(W, new float[2], List.of()));
        assertThrows(IllegalArgumentException.class, () -> new LinearHead(W, B, List.of("only one")));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new LinearHead(new float[][] {{1f, Float.NaN}, {0f, 0f}}, new float[2], List.of()));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> LinearHead.of(LogisticRegression.of(W, B)).probabilities(new float[2]));
    }

    @Test
    void isImmutable() {
        float[][] w = {W[0].clone(), W[1].clone(), W[2].clone()};
        LinearHead head = new LinearHead(w, B, List.of());
        w[0][0] = 99f;
        head.weights()[1][1] = 99f;
        assertEquals(1f, head.weights()[0][0]);
        assertEquals(2f, head.weights()[1][1]);
    }

    @Test
    void corruptProbeFileIsAnIoError() throws IOException {
        Path file = dir.resolve("junk.bin");
        Files.writeString(file, "not a probe");
        assertThrows(IOException.class, () -> LinearHead.load(file, List.of()));
    }
}
