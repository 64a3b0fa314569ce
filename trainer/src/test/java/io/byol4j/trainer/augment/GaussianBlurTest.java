package io.byol4j.trainer.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GaussianBlurTest {

    @Test
    void kernelSizeIsAboutTenPercentOddAndAtLeastThree() {
        BlurConfig cfg = BlurConfig.withProbability(1.0);
        assertEquals(23, cfg.kernelSize(224));
        assertEquals(11, cfg.kernelSize(96));
        assertEquals(3, cfg.kernelSize(32));
        assertEquals(3, cfg.kernelSize(4));
    }

    @Test
    void kernelIsASymmetricNormalisedGaussian() {
        float[] k = new GaussianBlur(8, 3).kernel(1f);
        double e = Math.exp(-0.5);
        double sum = 1 + 2 * e;
        assertArrayEquals(new float[] {(float) (e / sum), (float) (1 / sum), (float) (e / sum)}, k, 1e-6f);
    }

    @Test
    void constantImageStaysConstant() {
        float[] v = new float[3 * 10 * 10];
        Arrays.fill(v, 0.3f);
        new GaussianBlur(10, 5).apply(v, 0, 3, 2f);
        for (float x : v) {
            assertEquals(0.3f, x, 1e-6f);
        }
    }

    @Test
    void impulseSpreadsSymmetricallyAndSumsToOne() {
        int n = 11;
        float[] v = new float[n * n];
        v[5 * n + 5] = 1f;
        new GaussianBlur(n, 5).apply(v, 0, 1, 1f);
        double sum = 0;
        for (float x : v) {
            sum += x;
        }
        assertEquals(1.0, sum, 1e-5);
        assertEquals(v[5 * n + 4], v[5 * n + 6], 1e-7f);
        assertEquals(v[4 * n + 5], v[6 * n + 5], 1e-7f);
        assertEquals(v[4 * n + 5], v[5 * n + 4], 1e-7f);
        assertTrue(v[5 * n + 5] > v[5 * n + 6]);
        assertEquals(0f, v[0]); // beyond the kernel's reach
        float[] k = new GaussianBlur(n, 5).kernel(1f);
        assertEquals(k[2] * k[2], v[5 * n + 5], 1e-6f); // separable: centre weight squared
    }

    @Test
    void bordersAreMirroredWithoutRepeatingTheEdge() {
        assertEquals(1, GaussianBlur.reflect(-1, 5));
        assertEquals(0, GaussianBlur.reflect(0, 5));
        assertEquals(3, GaussianBlur.reflect(5, 5));
        assertEquals(2, GaussianBlur.reflect(-6, 5)); // folds twice
        assertEquals(0, GaussianBlur.reflect(-3, 1));
        // a left column of ones: the mirrored tap at -1 reads column 1 (zero), so the edge keeps the centre weight
        float[] v = new float[5 * 5];
        for (int y = 0; y < 5; y++) {
            v[y * 5] = 1f; // left column of ones
        }
        new GaussianBlur(5, 3).apply(v, 0, 1, 1f);
        float[] k = new GaussianBlur(5, 3).kernel(1f);
        assertEquals(k[1], v[0], 1e-6f);
        assertEquals(k[0], v[1], 1e-6f);
        assertEquals(0f, v[2], 1e-7f);
    }

    @Test
    void channelsAreBlurredIndependently() {
        int n = 6;
        float[] v = new float[2 * n * n];
        Arrays.fill(v, n * n, 2 * n * n, 1f);
        v[2 * n + 2] = 1f;
        new GaussianBlur(n, 3).apply(v, 0, 2, 0.8f);
        for (int i = n * n; i < 2 * n * n; i++) {
            assertEquals(1f, v[i], 1e-6f);
        }
        assertTrue(v[2 * n + 3] > 0f);
    }

    @Test
    void rejectsEvenKernel() {
        assertThrows(IllegalArgumentException.class, () -> new GaussianBlur(8, 4));
    }
}
